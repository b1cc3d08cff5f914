# ---------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------

variable "create" {
  description = "Whether to create anything at all (terraform-aws-modules convention for conditional module calls)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Base name of every resource (table, function, role, queue, ...) unless overridden one by one."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,50}$", var.name))
    error_message = "name must be 1-50 characters of letters, digits, - and _ (it prefixes function, role and queue names, which have tighter limits)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

# ---------------------------------------------------------------------------
# Stream source: a new table, or an existing table's stream
# ---------------------------------------------------------------------------

variable "create_table" {
  description = "Create a DynamoDB table with Streams on. false: attach to an existing stream (stream_arn)."
  type        = bool
  default     = true
  nullable    = false
}

variable "stream_arn" {
  description = "ARN of an existing table's stream (DescribeTable LatestStreamArn), used when create_table = false. Set stream_view_type to that stream's view type."
  type        = string
  default     = null

  validation {
    condition     = var.stream_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN: arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label> (the table ARN alone is not an event source)."
  }
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of an existing stream's table (create_table = false), so the role may decrypt the stream. For a created table, table_kms_key_arn is used."
  type        = string
  default     = null

  validation {
    condition     = var.stream_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.stream_kms_key_arn))
    error_message = "stream_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "table_name" {
  description = "Name of the created table. null: name."
  type        = string
  default     = null

  validation {
    condition     = var.table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be null or a DynamoDB table name: 3-255 characters of letters, digits, _ . -"
  }
}

variable "hash_key" {
  description = "Partition key of the created table."
  type        = string
  default     = "id"
  nullable    = false

  validation {
    condition     = length(var.hash_key) > 0 && length(var.hash_key) <= 255
    error_message = "hash_key must be 1-255 characters."
  }
}

variable "hash_key_type" {
  description = "Partition key type: S, N or B."
  type        = string
  default     = "S"
  nullable    = false

  validation {
    condition     = contains(["S", "N", "B"], var.hash_key_type)
    error_message = "hash_key_type must be S, N or B."
  }
}

variable "range_key" {
  description = "Sort key of the created table. null: none."
  type        = string
  default     = null

  validation {
    condition     = var.range_key == null || try(length(var.range_key) > 0 && length(var.range_key) <= 255, false)
    error_message = "range_key must be null or 1-255 characters."
  }
}

variable "range_key_type" {
  description = "Sort key type: S, N or B."
  type        = string
  default     = "S"
  nullable    = false

  validation {
    condition     = contains(["S", "N", "B"], var.range_key_type)
    error_message = "range_key_type must be S, N or B."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST or PROVISIONED (then set read_capacity and write_capacity)."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  description = "Provisioned read capacity (PROVISIONED only)."
  type        = number
  default     = null

  validation {
    condition     = var.read_capacity == null || coalesce(var.read_capacity, 1) >= 1
    error_message = "read_capacity must be null or at least 1."
  }
}

variable "write_capacity" {
  description = "Provisioned write capacity (PROVISIONED only)."
  type        = number
  default     = null

  validation {
    condition     = var.write_capacity == null || coalesce(var.write_capacity, 1) >= 1
    error_message = "write_capacity must be null or at least 1."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Point-in-time recovery on the created table."
  type        = bool
  default     = true
  nullable    = false
}

variable "table_kms_key_arn" {
  description = "Customer-managed KMS key for the created table (and its stream). null: the AWS managed key; encryption at rest is always on."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "ttl_attribute_name" {
  description = "TTL attribute of the created table (epoch seconds). null: TTL off. Expiries arrive as REMOVE records."
  type        = string
  default     = null

  validation {
    condition     = var.ttl_attribute_name == null || try(length(var.ttl_attribute_name) > 0, false)
    error_message = "ttl_attribute_name must be null or a non-empty attribute name."
  }
}

variable "deletion_protection_enabled" {
  description = "Deletion protection on the created table."
  type        = bool
  default     = false
  nullable    = false
}

variable "table_class" {
  description = "STANDARD or STANDARD_INFREQUENT_ACCESS."
  type        = string
  default     = "STANDARD"
  nullable    = false

  validation {
    condition     = contains(["STANDARD", "STANDARD_INFREQUENT_ACCESS"], var.table_class)
    error_message = "table_class must be STANDARD or STANDARD_INFREQUENT_ACCESS."
  }
}

# ---------------------------------------------------------------------------
# On-failure destination
# ---------------------------------------------------------------------------

variable "create_failure_queue" {
  description = "Create the standard SQS queue that receives records whose retries or age ran out. false: give failure_queue_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "failure_queue_arn" {
  description = "ARN of an existing standard SQS queue for on-failure records (create_failure_queue = false)."
  type        = string
  default     = null

  validation {
    condition     = var.failure_queue_arn == null || !try(endswith(var.failure_queue_arn, ".fifo"), false)
    error_message = "failure_queue_arn is a FIFO queue (.fifo); Lambda only sends on-failure records to standard queues. Use a standard queue, or create_failure_queue = true."
  }

  validation {
    condition     = var.failure_queue_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.failure_queue_arn))
    error_message = "failure_queue_arn must be an SQS queue ARN: arn:aws:sqs:<region>:<account>:<name>."
  }
}

variable "failure_queue_name" {
  description = "Name of the created queue. null: <name>-failures."
  type        = string
  default     = null

  validation {
    condition     = var.failure_queue_name == null || can(regex("^[A-Za-z0-9_-]{1,80}$", var.failure_queue_name))
    error_message = "failure_queue_name must be null or 1-80 characters of letters, digits, - and _ (no .fifo: the destination must be a standard queue)."
  }
}

variable "failure_queue_kms_key_arn" {
  description = "Customer-managed KMS key ARN of the failure queue (created or existing). null: SQS-managed encryption (SSE-SQS) for a created queue."
  type        = string
  default     = null

  validation {
    condition     = var.failure_queue_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.failure_queue_kms_key_arn))
    error_message = "failure_queue_kms_key_arn must be null or a KMS key ARN (the role's KMS grant needs the key ARN, not an alias)."
  }
}

variable "failure_queue_message_retention_seconds" {
  description = "How long failure records are kept (60-1209600; 14 days by default)."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.failure_queue_message_retention_seconds >= 60 && var.failure_queue_message_retention_seconds <= 1209600
    error_message = "failure_queue_message_retention_seconds must be from 60 to 1209600."
  }
}

variable "create_failure_queue_alarm" {
  description = "Create a CloudWatch alarm on visible messages in the created failure queue."
  type        = bool
  default     = true
  nullable    = false
}

variable "failure_queue_alarm_actions" {
  description = "ARNs notified when failure records are waiting (e.g. an on-call SNS topic)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.failure_queue_alarm_actions : startswith(arn, "arn:")])
    error_message = "failure_queue_alarm_actions must be ARNs."
  }
}

# ---------------------------------------------------------------------------
# Optional extras for the example processor
# ---------------------------------------------------------------------------

variable "create_notification_topic" {
  description = "Create an SNS topic the user-profile processor publishes to."
  type        = bool
  default     = false
  nullable    = false
}

variable "notification_topic_name" {
  description = "Name of the created topic. null: <name>-notifications."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}$", var.notification_topic_name))
    error_message = "notification_topic_name must be null or 1-256 characters of letters, digits, - and _."
  }
}

variable "notification_topic_kms_key_id" {
  description = "KMS key encrypting the created topic (ID, ARN or alias). Default: the AWS managed alias/aws/sns."
  type        = string
  default     = "alias/aws/sns"
  nullable    = false

  validation {
    condition     = length(var.notification_topic_kms_key_id) > 0
    error_message = "notification_topic_kms_key_id must not be empty."
  }
}

variable "notification_topic_kms_key_arn" {
  description = "ARN of a customer-managed key encrypting the topic (created or existing), so the role may use it. null for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.notification_topic_kms_key_arn))
    error_message = "notification_topic_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "create_idempotency_table" {
  description = "Create a DynamoDB table (TTL on) for Powertools idempotency and point the handler at it."
  type        = bool
  default     = false
  nullable    = false
}

variable "idempotency_table_arn" {
  description = "ARN of an existing idempotency table (create_idempotency_table = false); the handler gets its name."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_arn))
    error_message = "idempotency_table_arn must be null or a DynamoDB table ARN: arn:aws:dynamodb:<region>:<account>:table/<name>."
  }
}

variable "idempotency_table_kms_key_arn" {
  description = "Customer-managed KMS key of the idempotency table (created or existing), or null."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.idempotency_table_kms_key_arn))
    error_message = "idempotency_table_kms_key_arn must be null or a KMS key ARN."
  }
}

# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------

variable "function_name" {
  description = "Function name. null: name."
  type        = string
  default     = null

  validation {
    condition     = var.function_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be null or 1-64 characters of letters, digits, - and _."
  }
}

variable "lambda_filename" {
  description = "Path of the deployment zip. null: build/ddb-stream-handler.zip in this repository (`make package`); set it when using the module from elsewhere."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_filename == null || try(endswith(var.lambda_filename, ".zip"), false)
    error_message = "lambda_filename must be null or the path of a .zip file."
  }
}

variable "runtime" {
  description = "python3.13 or python3.12 (package the zip for the same one)."
  type        = string
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = contains(["python3.13", "python3.12"], var.runtime)
    error_message = "runtime must be python3.13 or python3.12."
  }
}

variable "architecture" {
  description = "arm64 or x86_64 (package the zip for the same one)."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency: -1 none, 0 stops invocations, or a cap."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number of at least 0."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing: Active or PassThrough."
  type        = string
  default     = "Active"
  nullable    = false

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "lambda_kms_key_arn" {
  description = "Customer-managed KMS key for the function's environment at rest. null: the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "code_signing_config_arn" {
  description = "Lambda code signing configuration ARN, if you sign packages."
  type        = string
  default     = null

  validation {
    condition     = var.code_signing_config_arn == null || can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]+$", var.code_signing_config_arn))
    error_message = "code_signing_config_arn must be null or a Lambda code signing config ARN (arn:aws:lambda:<region>:<account>:code-signing-config:csc-...)."
  }
}

variable "log_retention_in_days" {
  description = "Days the function's logs are kept (a CloudWatch Logs retention value; 0 = never)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a CloudWatch Logs retention value: 0 (never), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_id" {
  description = "KMS key ARN for the function's log group. null: service-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:", var.log_kms_key_id))
    error_message = "log_kms_key_id must be null or a KMS key ARN."
  }
}

# ---------------------------------------------------------------------------
# Execution role
# ---------------------------------------------------------------------------

variable "role_name" {
  description = "Execution role name. null: name."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be null or an IAM role name (1-64 characters)."
  }
}

variable "role_path" {
  description = "IAM path of the role."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-~]+/)*$", var.role_path))
    error_message = "role_path must start and end with /."
  }
}

variable "role_permissions_boundary" {
  description = "Permissions boundary policy ARN for the role, if required."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-zA-Z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary))
    error_message = "role_permissions_boundary must be null or an IAM policy ARN."
  }
}

variable "role_policy_statements" {
  description = "Extra statements for the role's policy (escape hatch for processors of your own)."
  type = list(object({
    sid       = optional(string)
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.role_policy_statements : contains(["Allow", "Deny"], s.effect) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Each role_policy_statements element needs effect Allow or Deny and at least one action and one resource."
  }
}

# ---------------------------------------------------------------------------
# Event source mapping (same names as modules/esm-settings)
# ---------------------------------------------------------------------------

variable "event_source_mapping_enabled" {
  description = "Whether the mapping polls the stream (false pauses it)."
  type        = bool
  default     = true
  nullable    = false
}

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

variable "stream_view_type" {
  description = "View type of the created table's stream, or of the existing stream given in stream_arn (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES). The packaged processor reads NewImage. Used to reject filter conditions on an image the stream does not carry, which would silently match nothing."
  type        = string
  default     = "NEW_AND_OLD_IMAGES"
  nullable    = false

  validation {
    condition     = contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], var.stream_view_type)
    error_message = "stream_view_type must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES."
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

# ---------------------------------------------------------------------------
# Handler settings (same names as modules/handler-settings)
# ---------------------------------------------------------------------------

variable "allowed_event_names" {
  description = "Event names the handler itself processes (its defensive check, in case the mapping's filter is changed or the code reused); records with other event names are skipped. null: same as event_names."
  type        = list(string)
  default     = null

  validation {
    condition     = var.allowed_event_names == null || (length(coalesce(var.allowed_event_names, ["x"])) > 0 && alltrue([for name in coalesce(var.allowed_event_names, ["INSERT"]) : contains(["INSERT", "MODIFY", "REMOVE"], name)]))
    error_message = "allowed_event_names must be null or a non-empty list drawn from INSERT, MODIFY and REMOVE."
  }
}

variable "processor" {
  description = "Record processor the handler calls for each record, as `module:function` importable from the zip."
  type        = string
  default     = "handler.processors.user_profile:process_record"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$", var.processor))
    error_message = "processor must look like package.module:function (a dotted Python module path, a colon, a function name)."
  }
}

variable "notification_topic_arn" {
  description = "ARN of an existing SNS topic the user-profile processor publishes to (with create_notification_topic = true the created topic is used instead). null: no publishing."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be null or an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)."
  }
}

variable "idempotency_table_name" {
  description = "Name of the idempotency table to create (create_idempotency_table = true; null: <name>-idempotency). For an existing table give idempotency_table_arn instead. Idempotency makes a retried record take effect once."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_name == null || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "idempotency_table_name must be null or a DynamoDB table name (3-255 characters: letters, digits, _ . -)."
  }
}

variable "idempotency_ttl_seconds" {
  description = "How long an idempotency record is kept; cover at least the time a record can be retried (maximum_record_age_in_seconds)."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.idempotency_ttl_seconds >= 60 && floor(var.idempotency_ttl_seconds) == var.idempotency_ttl_seconds
    error_message = "idempotency_ttl_seconds must be a whole number of at least 60."
  }
}

variable "log_level" {
  description = "Powertools log level (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
  }
}

variable "service_name" {
  description = "Powertools service name (POWERTOOLS_SERVICE_NAME): the `service` key of every log line and the metrics dimension."
  type        = string
  default     = "ddb-stream-handler"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,128}$", var.service_name))
    error_message = "service_name must be 1-128 characters of letters, digits, _ . -"
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the handler's embedded-metric-format metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "DynamoDBStreams"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and _ . / # : - and must not start with AWS/ (reserved for AWS services)."
  }
}

variable "log_images" {
  description = "Log item images (they may hold personal data). For debugging only."
  type        = bool
  default     = false
  nullable    = false
}

variable "invalid_record_action" {
  description = "What the processor does with a record that fails validation: fail (report it as a batch item failure, so it ends on the failure queue and can be redriven) or drop (skip it and count a metric)."
  type        = string
  default     = "fail"
  nullable    = false

  validation {
    condition     = contains(["fail", "drop"], var.invalid_record_action)
    error_message = "invalid_record_action must be \"fail\" or \"drop\"."
  }
}

variable "timeout" {
  description = "Function timeout in seconds (1-900). A batch that times out is retried whole, so keep it well above the time one batch takes."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "memory_size" {
  description = "Function memory in MB (128-10240); CPU scales with it."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "environment_variables" {
  description = "Extra environment variables for the function. They may not redefine the variables this module manages (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL, STREAM_HANDLER_*) nor the ones Lambda reserves."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", name))])
    error_message = "environment_variables names must start with a letter and contain only letters, digits and underscores."
  }

  validation {
    condition = alltrue([for name in keys(var.environment_variables) : !(
      startswith(name, "STREAM_HANDLER_") || contains(["POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"], name)
    )])
    error_message = "environment_variables may not set POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL or STREAM_HANDLER_* names: use the dedicated variables (service_name, metrics_namespace, log_level, allowed_event_names, processor, ...)."
  }

  validation {
    condition = alltrue([for name in keys(var.environment_variables) : !contains([
      "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
      "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ], name)])
    error_message = "environment_variables may not set a name Lambda reserves (AWS_REGION, AWS_LAMBDA_*, AWS_ACCESS_KEY_ID, _HANDLER, LAMBDA_TASK_ROOT, ...)."
  }
}
