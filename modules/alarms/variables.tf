variable "create" {
  description = "Whether to create the alarms."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Prefix of every alarm name (<name>-iterator-age-warning, <name>-errors, ...)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}$", var.name))
    error_message = "name must be 1-200 characters of letters, digits, _ . and -."
  }
}

variable "function_name" {
  description = "Name of the function (the FunctionName dimension of the Lambda metrics). Required when create = true."
  type        = string
  default     = null

  validation {
    condition     = var.function_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be null or a function name (not an ARN): the metrics' FunctionName dimension."
  }
}

variable "event_source_mapping_uuid" {
  description = "UUID of the event source mapping (the EventSourceMappingUUID dimension of its EventCount metrics)."
  type        = string
  default     = null
}

variable "maximum_record_age_in_seconds" {
  description = "The mapping's maximum_record_age_in_seconds (-1: none). With the stream's 24 h retention it sets the record age limit the iterator age alarms are measured against."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.maximum_record_age_in_seconds == -1 || (var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800)
    error_message = "maximum_record_age_in_seconds must be -1 or 60-604800, as on the mapping."
  }
}

variable "event_count_metrics_enabled" {
  description = "Whether the mapping publishes its EventCount metrics (mapping_metrics = [\"EventCount\"]); the on-failure deliveries alarm needs them."
  type        = bool
  default     = false
  nullable    = false
}

variable "create_iterator_age_warning_alarm" {
  description = "Alarm when IteratorAge (Maximum) reaches iterator_age_warning_seconds."
  type        = bool
  default     = true
  nullable    = false
}

variable "iterator_age_warning_seconds" {
  description = "Iterator age (seconds) of the warning alarm. null: 3600, or half the record age limit when that is sooner."
  type        = number
  default     = null

  validation {
    condition     = var.iterator_age_warning_seconds == null || try(var.iterator_age_warning_seconds >= 1, false)
    error_message = "iterator_age_warning_seconds must be null or at least 1."
  }
}

variable "create_iterator_age_critical_alarm" {
  description = "Alarm when IteratorAge (Maximum) nears the record age limit (iterator_age_critical_seconds)."
  type        = bool
  default     = true
  nullable    = false
}

variable "iterator_age_critical_seconds" {
  description = "Iterator age (seconds) of the critical alarm; below the record age limit (min(maximum_record_age_in_seconds, 86400)). null: 80% of that limit."
  type        = number
  default     = null

  validation {
    condition     = var.iterator_age_critical_seconds == null || try(var.iterator_age_critical_seconds >= 1, false)
    error_message = "iterator_age_critical_seconds must be null or at least 1."
  }
}

variable "create_errors_alarm" {
  description = "Alarm on the function's Errors (Sum)."
  type        = bool
  default     = true
  nullable    = false
}

variable "errors_threshold" {
  description = "Errors (Sum per period) at or above which the errors alarm fires."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.errors_threshold >= 1
    error_message = "errors_threshold must be at least 1."
  }
}

variable "create_throttles_alarm" {
  description = "Alarm on the function's Throttles (Sum)."
  type        = bool
  default     = true
  nullable    = false
}

variable "throttles_threshold" {
  description = "Throttles (Sum per period) at or above which the throttles alarm fires."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.throttles_threshold >= 1
    error_message = "throttles_threshold must be at least 1."
  }
}

variable "create_destination_delivery_failures_alarm" {
  description = "Alarm on DestinationDeliveryFailures (Sum): any failed delivery to the on-failure destination loses records."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_on_failure_deliveries_alarm" {
  description = "Alarm on the mapping's OnFailureDestinationDeliveredEventCount (Sum); created only with event_count_metrics_enabled."
  type        = bool
  default     = true
  nullable    = false
}

variable "on_failure_deliveries_threshold" {
  description = "Records sent to the on-failure destination (Sum per period) at or above which that alarm fires."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.on_failure_deliveries_threshold >= 1
    error_message = "on_failure_deliveries_threshold must be at least 1."
  }
}

variable "period_seconds" {
  description = "Evaluation period of every alarm in seconds (a multiple of 60; Lambda sends metrics every minute)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be a multiple of 60, at least 60."
  }
}

variable "evaluation_periods" {
  description = "Consecutive breaching periods before an alarm fires (the delivery failures alarm always fires on the first)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.evaluation_periods >= 1 && floor(var.evaluation_periods) == var.evaluation_periods
    error_message = "evaluation_periods must be a whole number of at least 1."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires. An SNS topic encrypted with the AWS managed alias/aws/sns never receives them (CloudWatch cannot use that key): use modules/alarm-topic."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_actions : startswith(arn, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "ok_actions" {
  description = "ARNs notified when an alarm returns to OK."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.ok_actions : startswith(arn, "arn:")])
    error_message = "ok_actions must be ARNs."
  }
}

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
  nullable    = false
}
