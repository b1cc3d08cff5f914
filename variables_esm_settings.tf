# Generated from modules/esm-settings/variables.tf by `python -m devtools.tf_variables write`.
# Do not edit: change the variable there and rerun the command. The root declares
# these itself so that one flat tfvars file feeds the root and modules/esm-settings;
# main.tf passes them to module.esm_settings.
# Not copied (declared by hand or generated elsewhere):
#   stream_view_type: in variables.tf; at the root it also sets the created table's view type.

variable "event_names" {
  description = "Stream event names the mapping passes to the function: a non-empty subset of INSERT, MODIFY, REMOVE. A DynamoDB stream always carries all three; this is the only place to narrow it (INSERT only by default)."
  type        = list(string)
  default     = ["INSERT"]
  nullable    = false

  validation {
    condition     = length(var.event_names) > 0 && alltrue([for name in var.event_names : contains(["INSERT", "MODIFY", "REMOVE"], name)])
    error_message = "event_names must be a non-empty list drawn from INSERT, MODIFY and REMOVE (upper case, as DynamoDB writes them in eventName)."
  }

  validation {
    condition     = length(distinct(var.event_names)) == length(var.event_names)
    error_message = "event_names lists an event name twice; list each of INSERT, MODIFY, REMOVE at most once."
  }
}

variable "filters" {
  description = "Conditions on stream records in plain terms, rendered into DynamoDB-typed filter patterns (see modules/esm-settings/README.md). Each element becomes one pattern and a record is delivered when it matches any of them; inside one element every condition must hold. Each pattern also carries the eventName condition: the element's event_names (a subset of event_names) or event_names. new_image, old_image and keys map an attribute name to one condition: its DynamoDB type (S, N, B, BOOL) and exactly one of equals (list; \"true\"/\"false\" for BOOL), anything_but (list), prefix, suffix, equals_ignore_case (S only) or exists (true: present with that type; false: absent). N values are text in stream records, so they match as written (\"42\"); numeric ranges are not offered because AWS never matches them against DynamoDB numbers. Empty: a single eventName-only pattern (none when raw_filter_patterns are given)."
  type = list(object({
    event_names = optional(list(string))
    new_image = optional(map(object({
      type               = string
      equals             = optional(list(string))
      anything_but       = optional(list(string))
      prefix             = optional(string)
      suffix             = optional(string)
      equals_ignore_case = optional(string)
      exists             = optional(bool)
    })), {})
    old_image = optional(map(object({
      type               = string
      equals             = optional(list(string))
      anything_but       = optional(list(string))
      prefix             = optional(string)
      suffix             = optional(string)
      equals_ignore_case = optional(string)
      exists             = optional(bool)
    })), {})
    keys = optional(map(object({
      type               = string
      equals             = optional(list(string))
      anything_but       = optional(list(string))
      prefix             = optional(string)
      suffix             = optional(string)
      equals_ignore_case = optional(string)
      exists             = optional(bool)
    })), {})
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(var.filters) <= 5
    error_message = "filters has more than 5 elements; Lambda accepts at most 5 filter patterns per event source mapping. Merge conditions (equals takes a list of alternatives) or drop some."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      length(coalesce(f.event_names, ["INSERT"])) > 0,
      [for name in coalesce(f.event_names, ["INSERT"]) : contains(["INSERT", "MODIFY", "REMOVE"], name)],
    ]]))
    error_message = "filters[*].event_names must be null (use event_names) or a non-empty list drawn from INSERT, MODIFY and REMOVE; an empty list would render a pattern that matches nothing."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [for name, c in section : contains(["S", "N", "B", "BOOL"], c.type) && length(trimspace(name)) > 0]
    ]]))
    error_message = "Every filter condition needs a non-empty attribute name and a type of S, N, B or BOOL (the DynamoDB type the attribute is stored with)."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [
        for c in values(section) : length([for op in [c.equals, c.anything_but, c.prefix, c.suffix, c.equals_ignore_case, c.exists] : op if op != null]) == 1
      ]
    ]]))
    error_message = "Every filter condition must set exactly one of equals, anything_but, prefix, suffix, equals_ignore_case, exists. To allow several values use a list in equals; to AND conditions use separate attributes; to OR whole conditions use separate filters."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [
        for c in values(section) : (c.equals == null || length(coalesce(c.equals, [])) > 0) && (c.anything_but == null || length(coalesce(c.anything_but, [])) > 0)
      ]
    ]]))
    error_message = "equals and anything_but need at least one value."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [
        for c in values(section) : c.type == "S" || (c.prefix == null && c.suffix == null && c.equals_ignore_case == null)
      ]
    ]]))
    error_message = "prefix, suffix and equals_ignore_case only apply to string (type = \"S\") attributes."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [
        for c in values(section) : c.type != "N" || alltrue([for v in concat(coalesce(c.equals, []), coalesce(c.anything_but, [])) : can(tonumber(v))])
      ]
    ]]))
    error_message = "An N condition takes numbers written as strings, e.g. equals = [\"42\"]. Stream records carry numbers as text, so the match is textual: write the number as DynamoDB returns it (\"42\", not \"42.0\")."
  }

  validation {
    condition = alltrue(flatten([for f in var.filters : [
      for section in [f.new_image, f.old_image, f.keys] : [
        for c in values(section) : c.type != "BOOL" || c.exists != null || (c.anything_but == null && alltrue([for v in coalesce(c.equals, []) : contains(["true", "false"], v)]))
      ]
    ]]))
    error_message = "A BOOL condition takes equals = [\"true\"] or [\"false\"] (or exists); anything_but is not offered for BOOL."
  }
}

variable "raw_filter_patterns" {
  description = "Escape hatch: filter patterns passed to Lambda verbatim (JSON strings, e.g. `{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"USER#\"}]}}}}`). They are added to the patterns rendered from `filters`; when given without `filters`, no eventName-only pattern is rendered, so include the eventName condition yourself."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.raw_filter_patterns : can(keys(jsondecode(p)))])
    error_message = "Every raw_filter_patterns element must be a JSON object string, such as jsonencode({ eventName = [\"INSERT\"] })."
  }

  validation {
    condition     = alltrue([for p in var.raw_filter_patterns : !can(jsondecode(p).data)])
    error_message = "A raw filter pattern uses the top-level key \"data\", which is how Kinesis records carry their payload; DynamoDB stream records put item attributes under \"dynamodb\" (e.g. {\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"NEW\"]}}}}), so this pattern would never match."
  }
}

variable "batch_size" {
  description = "Maximum number of stream records per invocation (1-10000 for DynamoDB streams)."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000 (the DynamoDB streams limit)."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds Lambda waits to fill a batch before invoking (0-300); 0 invokes as soon as records arrive."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300 && floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds
    error_message = "maximum_batching_window_in_seconds must be a whole number from 0 to 300."
  }
}

variable "starting_position" {
  description = "Where a new mapping starts reading each shard: TRIM_HORIZON (oldest record still in the 24 h stream retention) or LATEST (only records written after the mapping is created)."
  type        = string
  default     = "TRIM_HORIZON"
  nullable    = false

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.starting_position)
    error_message = "starting_position must be TRIM_HORIZON or LATEST (AT_TIMESTAMP is not supported for DynamoDB streams)."
  }
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard (1-10). Records with the same partition key stay in order; above 1, order across keys in a shard is not kept."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.parallelization_factor >= 1 && var.parallelization_factor <= 10 && floor(var.parallelization_factor) == var.parallelization_factor
    error_message = "parallelization_factor must be a whole number from 1 to 10."
  }
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch in two and retry the halves, isolating a poison record instead of retrying the whole batch."
  type        = bool
  default     = true
  nullable    = false
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before it goes to the on-failure destination: -1 (retry until the record expires) or 0-10000. Bounded by default so one poison record cannot block its shard for a day."
  type        = number
  default     = 3
  nullable    = false

  validation {
    condition     = var.maximum_retry_attempts >= -1 && var.maximum_retry_attempts <= 10000 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be -1 (infinite, until the record expires) or a whole number from 0 to 10000."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Records older than this are sent to the on-failure destination instead of the function: -1 (no limit; the stream's 24 h retention still applies) or 60-604800."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.maximum_record_age_in_seconds == -1 || (var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800 && floor(var.maximum_record_age_in_seconds) == var.maximum_record_age_in_seconds)
    error_message = "maximum_record_age_in_seconds must be -1 (no limit) or a whole number from 60 to 604800."
  }
}

variable "tumbling_window_in_seconds" {
  description = "Tumbling window for stateful aggregation across invocations (0-900); 0 disables it."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.tumbling_window_in_seconds >= 0 && var.tumbling_window_in_seconds <= 900 && floor(var.tumbling_window_in_seconds) == var.tumbling_window_in_seconds
    error_message = "tumbling_window_in_seconds must be a whole number from 0 to 900."
  }
}

variable "report_batch_item_failures" {
  description = "Enable ReportBatchItemFailures: the handler returns the sequence numbers that failed and Lambda retries from the first of them, instead of retrying the whole batch. The packaged handler relies on it."
  type        = bool
  default     = true
  nullable    = false
}

variable "mapping_metrics" {
  description = "Event source mapping metrics to enable (metrics_config); for DynamoDB streams only EventCount exists. Empty: none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for m in var.mapping_metrics : m == "EventCount"])
    error_message = "mapping_metrics may only contain \"EventCount\" for a DynamoDB stream mapping."
  }
}
