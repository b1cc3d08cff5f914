# Generated from modules/esm-settings/variables.tf by `python -m devtools.tf_variables write`.
# Do not edit: change the variable there and rerun the command.
# The root declares these itself so that one flat tfvars file feeds the root
# and modules/esm-settings; main.tf passes them to module.esm_settings.
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
  description = "Conditions on stream records in plain terms, rendered into DynamoDB-typed filter patterns (see modules/esm-settings/README.md). A list of objects; each becomes one pattern and a record is delivered when it matches any of them; inside one object every condition must hold. Each pattern also carries the eventName condition: the object's event_names (a subset of event_names) or event_names. new_image, old_image and keys map an attribute name to one condition: { type = S, N, B or BOOL (the attribute's DynamoDB type), and exactly one of equals (list; \"true\"/\"false\" for BOOL), anything_but (list), prefix, suffix, equals_ignore_case (S only) or exists (true: present with that type; false: absent) }. N values are text in stream records, so they match as written (\"42\"); numeric ranges are not offered because AWS never matches them against DynamoDB numbers. Any other attribute is an error, never dropped. Empty: a single eventName-only pattern (none when raw_filter_patterns are given)."
  # `any`, not list(object(...)): an object type silently drops the attributes it
  # does not declare, so `{ data = ... }` would lose its condition and deliver
  # every record. Unknown attribute names are rejected here; values are checked
  # with the other filter rules in main.tf (local.filter_problems).
  type     = any
  default  = []
  nullable = false

  validation {
    condition = can(concat(var.filters, [])) && try(alltrue([
      for f in concat(var.filters, []) : length(setsubtract(try(keys(f), []), ["event_names", "new_image", "old_image", "keys"])) == 0 && alltrue([
        for section in ["new_image", "old_image", "keys"] : alltrue([
          for c in try(values(f[section]), []) : length(setsubtract(try(keys(c), []), ["type", "equals", "anything_but", "prefix", "suffix", "equals_ignore_case", "exists"])) == 0
        ])
      ])
    ]), false)
    error_message = "filters is a list of objects with only event_names, new_image, old_image and keys, whose conditions take only type, equals, anything_but, prefix, suffix, equals_ignore_case and exists. ${try("Unknown: ${join(", ", flatten([for i, f in var.filters : concat(
      [for name in setsubtract(try(keys(f), []), ["event_names", "new_image", "old_image", "keys"]) : "filters[${i}].${name}"],
      flatten([for section in ["new_image", "old_image", "keys"] : [
        for attribute, c in try({ for k, v in f[section] : k => v }, {}) : [
          for name in setsubtract(try(keys(c), []), ["type", "equals", "anything_but", "prefix", "suffix", "equals_ignore_case", "exists"]) : "filters[${i}].${section}.${attribute}.${name}"
        ]
      ]]),
    )]))}.", "filters is not a list.")} A typed object would drop such an attribute without a word, and the filter would then deliver records it was written to keep out."
  }
}

variable "raw_filter_patterns" {
  description = "Escape hatch: filter patterns passed to Lambda verbatim, each a JSON string (e.g. `{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"USER#\"}]}}}}`) or { pattern = \"<JSON>\", skip_checks = [...] }. They are added to the patterns rendered from `filters`; when given without `filters`, no eventName-only pattern is rendered, so include the eventName condition yourself. Every pattern gets the never-matches checks of `python -m pipeline filter lint` at plan time: data_key (Kinesis' `data` key), untyped_value (a value list directly under an attribute of NewImage, OldImage or Keys, with no type key such as S), exists_on_attribute (exists on the attribute instead of its type key) and numeric_on_n (numeric or a JSON number on an N or NS value, which stream records carry as strings). skip_checks names the checks to skip for that one pattern, for the rare pattern meant to match that way."
  # `any`: each element is a string or an object with its opt-out list.
  type     = any
  default  = []
  nullable = false

  validation {
    condition = can(concat(var.raw_filter_patterns, [])) && alltrue([
      for p in try(concat(var.raw_filter_patterns, []), []) : can(keys(jsondecode(tostring(p)))) || (
        can(keys(jsondecode(tostring(p.pattern)))) &&
        length(setsubtract(try(keys(p), []), ["pattern", "skip_checks"])) == 0 &&
        length(setsubtract(try([for check in p.skip_checks : tostring(check)], []), ["data_key", "untyped_value", "exists_on_attribute", "numeric_on_n"])) == 0
      )
    ])
    error_message = "Every raw_filter_patterns element must be a JSON object string, such as jsonencode({ eventName = [\"INSERT\"] }), or { pattern = <that string>, skip_checks = [<check names>] } with checks drawn from data_key, untyped_value, exists_on_attribute and numeric_on_n.${try(" Not one: ${join(", ", [
      for i, p in var.raw_filter_patterns : "raw_filter_patterns[${i}]" if !can(keys(jsondecode(tostring(p)))) && !(
        can(keys(jsondecode(tostring(p.pattern)))) &&
        length(setsubtract(try(keys(p), []), ["pattern", "skip_checks"])) == 0 &&
        length(setsubtract(try([for check in p.skip_checks : tostring(check)], []), ["data_key", "untyped_value", "exists_on_attribute", "numeric_on_n"])) == 0
      )
    ])}.", "")}"
  }
}

variable "filters_per_mapping_quota" {
  description = "Your account's Lambda quota \"Filters per event source mapping\" (in this region): how many filter patterns (filters plus raw_filter_patterns) the mapping may have. 5 is AWS's default; AWS raises it up to 10 on request (Service Quotas, AWS Lambda). Raise this value only once the increase is granted: Lambda rejects the mapping otherwise."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.filters_per_mapping_quota >= 5 && var.filters_per_mapping_quota <= 10 && floor(var.filters_per_mapping_quota) == var.filters_per_mapping_quota
    error_message = "filters_per_mapping_quota must be a whole number from 5 (AWS's default for the quota \"Filters per event source mapping\") to 10 (the most a quota increase grants)."
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
  description = "Concurrent batches per shard (1-10). Records of the same item (same partition and sort key) stay in order and are never in two batches at once; above 1, order across items in a shard is not kept."
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
