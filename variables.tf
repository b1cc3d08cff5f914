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

variable "table_kms_key_arn" {
  description = "Customer-managed KMS key for the created table (and its stream). null: the AWS managed key; encryption at rest is always on."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be null or a KMS key ARN."
  }
}

# ---------------------------------------------------------------------------
# On-failure destination
# ---------------------------------------------------------------------------

variable "create_failure_queue" {
  description = "With on_failure_destination_type = sqs (the default): create the standard SQS queue that receives records whose retries or age ran out. false: give failure_queue_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "failure_queue_arn" {
  description = "ARN of an existing standard SQS queue for on-failure records (create_failure_queue = false)."
  type        = string
  default     = null

  # One validation, so that one mistake is one error: a FIFO queue's ARN is
  # also not a standard queue's, and would otherwise be reported twice.
  validation {
    condition     = var.failure_queue_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.failure_queue_arn))
    error_message = try(endswith(var.failure_queue_arn, ".fifo"), false) ? "failure_queue_arn is a FIFO queue (.fifo); Lambda only sends on-failure records to standard queues. Use a standard queue, or create_failure_queue = true." : "failure_queue_arn must be an SQS queue ARN: arn:aws:sqs:<region>:<account>:<name>."
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
  description = "ARNs notified when failure records are waiting, in addition to alarm_actions (e.g. the team that redrives)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.failure_queue_alarm_actions : startswith(arn, "arn:")])
    error_message = "failure_queue_alarm_actions must be ARNs."
  }
}

variable "on_failure_destination_type" {
  description = "Where the mapping sends records whose retries or age ran out: sqs (the on-failure record, pointing into the stream: redrive within its 24 h), sns (the same record, published to subscribers) or s3 (the record plus the batch itself under payload: redrivable after the stream has trimmed it). Only that type's destination is created and granted to the role."
  type        = string
  default     = "sqs"
  nullable    = false

  validation {
    condition     = contains(["sqs", "sns", "s3"], var.on_failure_destination_type)
    error_message = "on_failure_destination_type must be sqs, sns or s3."
  }
}

variable "create_failure_topic" {
  description = "With on_failure_destination_type = sns: create the standard SNS topic that receives on-failure records. false: give failure_topic_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "failure_topic_arn" {
  description = "ARN of an existing standard SNS topic for on-failure records (on_failure_destination_type = sns, create_failure_topic = false)."
  type        = string
  default     = null

  validation {
    condition     = var.failure_topic_arn == null || !try(endswith(var.failure_topic_arn, ".fifo"), false)
    error_message = "failure_topic_arn is a FIFO topic (.fifo); Lambda only sends on-failure records to standard topics. Use a standard topic, or create_failure_topic = true."
  }

  validation {
    condition     = var.failure_topic_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.failure_topic_arn))
    error_message = "failure_topic_arn must be an SNS topic ARN: arn:aws:sns:<region>:<account>:<name>."
  }
}

variable "failure_topic_name" {
  description = "Name of the created topic. null: <name>-failures."
  type        = string
  default     = null

  validation {
    condition     = var.failure_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}$", var.failure_topic_name))
    error_message = "failure_topic_name must be null or 1-256 characters of letters, digits, - and _ (no .fifo: the destination must be a standard topic)."
  }
}

variable "failure_topic_kms_key_arn" {
  description = "Customer managed KMS key ARN of the failure topic (created or existing); the role gets kms:GenerateDataKey and kms:Decrypt on it. null: a created topic uses the AWS managed alias/aws/sns."
  type        = string
  default     = null

  validation {
    condition     = var.failure_topic_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.failure_topic_kms_key_arn))
    error_message = "failure_topic_kms_key_arn must be null or a KMS key ARN (the role's KMS grant needs the key ARN, not an alias or key ID)."
  }
}

variable "create_failure_topic_alarm" {
  description = "Create a CloudWatch alarm on messages published to the created failure topic (NumberOfMessagesPublished >= 1)."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_failure_bucket" {
  description = "With on_failure_destination_type = s3: create the private, versioned, encrypted S3 bucket that receives on-failure objects. false: give failure_bucket_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "failure_bucket_arn" {
  description = "ARN of an existing S3 bucket for on-failure objects (on_failure_destination_type = s3, create_failure_bucket = false): arn:aws:s3:::<bucket>."
  type        = string
  default     = null

  validation {
    condition     = var.failure_bucket_arn == null || can(regex("^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.failure_bucket_arn))
    error_message = "failure_bucket_arn must be an S3 bucket ARN: arn:aws:s3:::<bucket> (no object key or prefix)."
  }
}

variable "failure_bucket_name" {
  description = "Name of the created bucket (globally unique). null: <name>-failures in lowercase, _ as -."
  type        = string
  default     = null

  validation {
    condition     = var.failure_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.failure_bucket_name))
    error_message = "failure_bucket_name must be null or an S3 bucket name: 3-63 lowercase letters, digits, . and -."
  }
}

variable "failure_bucket_kms_key_arn" {
  description = "Customer managed KMS key ARN of the failure bucket (created: SSE-KMS with it; existing: its default key); the role gets kms:GenerateDataKey on it. null: SSE-S3 for a created bucket."
  type        = string
  default     = null

  validation {
    condition     = var.failure_bucket_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.failure_bucket_kms_key_arn))
    error_message = "failure_bucket_kms_key_arn must be null or a KMS key ARN (the role's KMS grant needs the key ARN, not an alias or key ID)."
  }
}

variable "failure_bucket_expiration_days" {
  description = "Days after which parked batches in the created bucket expire. null: kept until redriven (once the stream has trimmed them they are the only copy)."
  type        = number
  default     = null

  validation {
    condition     = var.failure_bucket_expiration_days == null || try(var.failure_bucket_expiration_days >= 1 && floor(var.failure_bucket_expiration_days) == var.failure_bucket_expiration_days, false)
    error_message = "failure_bucket_expiration_days must be null or a whole number of at least 1."
  }
}

variable "failure_bucket_redriven_expiration_days" {
  description = "Days after which redriven batches (moved under redriven/) expire in the created bucket. null: never."
  type        = number
  default     = 90

  validation {
    condition     = var.failure_bucket_redriven_expiration_days == null || try(var.failure_bucket_redriven_expiration_days >= 1 && floor(var.failure_bucket_redriven_expiration_days) == var.failure_bucket_redriven_expiration_days, false)
    error_message = "failure_bucket_redriven_expiration_days must be null or a whole number of at least 1."
  }
}

variable "failure_bucket_noncurrent_version_expiration_days" {
  description = "Days noncurrent object versions are kept in the created bucket."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.failure_bucket_noncurrent_version_expiration_days >= 1 && floor(var.failure_bucket_noncurrent_version_expiration_days) == var.failure_bucket_noncurrent_version_expiration_days
    error_message = "failure_bucket_noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "failure_bucket_force_destroy" {
  description = "Let terraform destroy delete the created bucket with parked batches in it. Keep false outside tests."
  type        = bool
  default     = false
  nullable    = false
}

# ---------------------------------------------------------------------------
# Alarms, alarm topic and dashboard
# ---------------------------------------------------------------------------

variable "create_alarms" {
  description = "Create the CloudWatch alarms: iterator age (warning and critical), errors, throttles, destination delivery failures, and the destination's own (queue depth, topic publishes, or for s3 the mapping's on-failure deliveries when mapping_metrics has EventCount)."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_actions" {
  description = "ARNs every alarm notifies when it fires (the created alarm topic is added when create_alarm_topic = true). An SNS topic encrypted with the AWS managed alias/aws/sns never receives them: CloudWatch cannot use that key."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_actions : startswith(arn, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "alarm_ok_actions" {
  description = "ARNs every alarm notifies when it returns to OK (the created alarm topic is added when create_alarm_topic = true)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_ok_actions : startswith(arn, "arn:")])
    error_message = "alarm_ok_actions must be ARNs."
  }
}

variable "iterator_age_warning_seconds" {
  description = "Iterator age (seconds) of the warning alarm. null: 3600, or half the record age limit (min(maximum_record_age_in_seconds, 86400)) when that is sooner."
  type        = number
  default     = null

  validation {
    condition     = var.iterator_age_warning_seconds == null || try(var.iterator_age_warning_seconds >= 1, false)
    error_message = "iterator_age_warning_seconds must be null or at least 1."
  }
}

variable "iterator_age_critical_seconds" {
  description = "Iterator age (seconds) of the critical alarm, below the record age limit. null: 80% of min(maximum_record_age_in_seconds, 86400)."
  type        = number
  default     = null

  validation {
    condition     = var.iterator_age_critical_seconds == null || try(var.iterator_age_critical_seconds >= 1, false)
    error_message = "iterator_age_critical_seconds must be null or at least 1."
  }
}

variable "create_alarm_topic" {
  description = "Create an SNS topic for the alarms (added to alarm_actions and alarm_ok_actions) that CloudWatch can publish to: encrypted with a created customer managed key whose policy admits CloudWatch, unless alarm_topic_create_kms_key = false. Subscribe your on-call endpoints to it."
  type        = bool
  default     = false
  nullable    = false
}

variable "alarm_topic_name" {
  description = "Name of the created alarm topic. null: <name>-alarms."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}$", var.alarm_topic_name))
    error_message = "alarm_topic_name must be null or 1-256 characters of letters, digits, - and _."
  }
}

variable "alarm_topic_create_kms_key" {
  description = "Encrypt the created alarm topic with a created customer managed key whose policy lets CloudWatch publish. false: alarm_topic_kms_key_arn, or unencrypted when that is null."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_topic_kms_key_arn" {
  description = "Existing customer managed key ARN for the created alarm topic (alarm_topic_create_kms_key = false); its policy must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*. Never alias/aws/sns."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_kms_key_arn == null || !can(regex("(^|:)alias/aws/sns$", var.alarm_topic_kms_key_arn))
    error_message = "alarm_topic_kms_key_arn is the AWS managed key alias/aws/sns, whose key policy does not admit CloudWatch: alarm notifications to such a topic are never delivered. Keep alarm_topic_create_kms_key = true or give a customer managed key whose policy allows cloudwatch.amazonaws.com."
  }

  validation {
    condition     = var.alarm_topic_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.alarm_topic_kms_key_arn))
    error_message = "alarm_topic_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard of the pipeline: iterator age, invocations, errors, throttles, duration, concurrency, the handler's record metrics, the on-failure destination and, with EventCount, the mapping's event counts."
  type        = bool
  default     = true
  nullable    = false
}

variable "dashboard_name" {
  description = "Name of the dashboard. null: name."
  type        = string
  default     = null

  validation {
    condition     = var.dashboard_name == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.dashboard_name))
    error_message = "dashboard_name must be null or 1-255 characters of letters, digits, - and _."
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

variable "lambda_kms_key_arn" {
  description = "Customer-managed KMS key for the function's environment at rest. null: the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be null or a KMS key ARN."
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
# Event source mapping. The settings variables of modules/esm-settings are in
# the generated variables_esm_settings.tf; only those that mean more at the
# root are declared here.
# ---------------------------------------------------------------------------

variable "event_source_mapping_enabled" {
  description = "Whether the mapping polls the stream (false pauses it)."
  type        = bool
  default     = true
  nullable    = false
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

# ---------------------------------------------------------------------------
# Handler settings. The variables of modules/handler-settings are in the
# generated variables_handler_settings.tf, except these two, which at the root
# name a resource the root may create (main.tf passes the one in use).
# ---------------------------------------------------------------------------

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
