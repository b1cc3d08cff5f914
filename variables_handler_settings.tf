# Generated from modules/handler-settings/variables.tf by `python -m devtools.tf_variables write`.
# Do not edit: change the variable there and rerun the command.
# The root declares these itself so that one flat tfvars file feeds the root
# and modules/handler-settings; main.tf passes them to module.handler_settings.
# Not copied (declared by hand or generated elsewhere):
#   event_names: generated from modules/esm-settings; the root's one event_names feeds both.
#   notification_topic_arn: in variables.tf; at the root it names an existing topic.
#   idempotency_table_name: in variables.tf; at the root it names the table to create.

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

variable "failure_mode" {
  description = "What the handler does with the rest of a batch after a record fails: stop (report that record; Lambda re-sends the batch from it, so nothing after it runs twice and an item's later changes never overtake a failed earlier one) or continue (Powertools' behaviour: process every record, report each failed one; records after a failure run again when Lambda re-sends them)."
  type        = string
  default     = "stop"
  nullable    = false

  validation {
    condition     = contains(["stop", "continue"], var.failure_mode)
    error_message = "failure_mode must be \"stop\" or \"continue\"."
  }
}

variable "concurrency" {
  description = "Records of different items the handler processes at once (threads, 1-64); records of one item (same Keys) always run in stream order, one at a time. 1: the batch in order. Above 1 the record processor must be thread-safe."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 64 && floor(var.concurrency) == var.concurrency
    error_message = "concurrency must be a whole number from 1 to 64."
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
