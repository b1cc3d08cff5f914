variable "create" {
  description = "Whether to create the dashboard."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Dashboard name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name must be 1-255 characters of letters, digits, - and _."
  }
}

variable "function_name" {
  description = "Name of the function (the FunctionName dimension). Required when create = true."
  type        = string
  default     = null
}

variable "function_timeout_seconds" {
  description = "The function's timeout, drawn on the duration graph."
  type        = number
  default     = 60
  nullable    = false
}

variable "event_source_mapping_uuid" {
  description = "UUID of the event source mapping (the EventSourceMappingUUID dimension of its EventCount metrics)."
  type        = string
  default     = null
}

variable "event_count_metrics_enabled" {
  description = "Whether the mapping publishes its EventCount metrics; adds their graph."
  type        = bool
  default     = false
  nullable    = false
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the handler's EMF metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "DynamoDBStreams"
  nullable    = false
}

variable "service_name" {
  description = "Powertools service name: the `service` dimension of the handler's metrics."
  type        = string
  default     = "ddb-stream-handler"
  nullable    = false
}

variable "destination_type" {
  description = "Type of the on-failure destination: sqs, sns or s3."
  type        = string
  default     = "sqs"
  nullable    = false

  validation {
    condition     = contains(["sqs", "sns", "s3"], var.destination_type)
    error_message = "destination_type must be sqs, sns or s3."
  }
}

variable "destination_name" {
  description = "Name of the on-failure queue (sqs) or topic (sns), for its metrics' dimension. Not used for s3."
  type        = string
  default     = null
}

variable "iterator_age_warning_seconds" {
  description = "Iterator age of the warning alarm (seconds), drawn on the iterator age graph."
  type        = number
  default     = 3600
  nullable    = false
}

variable "iterator_age_critical_seconds" {
  description = "Iterator age of the critical alarm (seconds), drawn on the iterator age graph."
  type        = number
  default     = 69120
  nullable    = false
}

variable "alarm_arns" {
  description = "Alarms shown in an alarm status widget (none: no widget)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "period_seconds" {
  description = "Period of the graphs in seconds."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be a multiple of 60, at least 60."
  }
}
