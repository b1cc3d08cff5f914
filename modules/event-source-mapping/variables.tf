variable "create" {
  description = "Whether to create the mapping."
  type        = bool
  default     = true
  nullable    = false
}

variable "check_required_inputs" {
  description = "Check at plan that function_name and event_source_arn are given. The root module sets false: it reports a missing stream itself, in terms of its own variables, so a mistake gives one error."
  type        = bool
  default     = true
  nullable    = false
}

variable "function_name" {
  description = "Name or ARN of the function the mapping invokes."
  type        = string
  default     = null

  validation {
    condition     = var.function_name == null || can(regex("^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$", var.function_name))
    error_message = "function_name must be null, a function name or a function ARN."
  }
}

variable "event_source_arn" {
  description = "ARN of the DynamoDB stream to read (a table's stream_arn, not the table ARN)."
  type        = string
  default     = null

  validation {
    condition     = var.event_source_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.event_source_arn))
    error_message = "event_source_arn must be a DynamoDB stream ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>); a table ARN without /stream/ is not an event source."
  }
}

variable "settings" {
  description = "The mapping's settings as modules/esm-settings renders them: pass its `mapping` output (the Lambda API's names: BatchSize, FilterCriteria, ...), so the mapping gets exactly what the local pipeline uses."
  type = object({
    BatchSize                      = number
    MaximumBatchingWindowInSeconds = number
    StartingPosition               = string
    ParallelizationFactor          = number
    BisectBatchOnFunctionError     = bool
    MaximumRetryAttempts           = number
    MaximumRecordAgeInSeconds      = number
    TumblingWindowInSeconds        = number
    FunctionResponseTypes          = list(string)
    FilterCriteria = object({
      Filters = list(object({
        Pattern = string
      }))
    })
    MetricsConfig = object({
      Metrics = list(string)
    })
  })
  nullable = false

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.settings.StartingPosition)
    error_message = "settings.StartingPosition must be TRIM_HORIZON or LATEST; render settings with modules/esm-settings (starting_position)."
  }

  validation {
    condition     = length(var.settings.FilterCriteria.Filters) <= 10
    error_message = "settings.FilterCriteria.Filters has more than 10 patterns, the most Lambda's quota \"Filters per event source mapping\" allows even after an increase; render settings with modules/esm-settings, which checks filters and raw_filter_patterns together against filters_per_mapping_quota."
  }

  validation {
    condition     = alltrue([for t in var.settings.FunctionResponseTypes : t == "ReportBatchItemFailures"])
    error_message = "settings.FunctionResponseTypes may only contain \"ReportBatchItemFailures\"."
  }

  validation {
    condition     = alltrue([for m in var.settings.MetricsConfig.Metrics : m == "EventCount"])
    error_message = "settings.MetricsConfig.Metrics may only contain \"EventCount\" for a DynamoDB stream mapping."
  }
}

variable "enabled" {
  description = "Whether the mapping polls the stream. false pauses processing (records still expire after 24 h)."
  type        = bool
  default     = true
  nullable    = false
}

variable "on_failure_destination_arn" {
  description = "Where records go once retries or record age are exhausted: a standard SQS queue or SNS topic ARN (or an S3 bucket ARN). null: they are dropped, so set one."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_arn == null || !try(endswith(var.on_failure_destination_arn, ".fifo"), false)
    error_message = "on_failure_destination_arn is a FIFO queue or topic (.fifo); Lambda only sends on-failure records to standard queues and topics. Use a standard SQS queue."
  }

  validation {
    condition     = var.on_failure_destination_arn == null || can(regex("^arn:aws[a-zA-Z-]*:(sqs|sns|s3):", var.on_failure_destination_arn))
    error_message = "on_failure_destination_arn must be an SQS queue, SNS topic or S3 bucket ARN."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN encrypting the mapping's filter criteria at rest. null: an AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for the mapping."
  type        = map(string)
  default     = {}
  nullable    = false
}
