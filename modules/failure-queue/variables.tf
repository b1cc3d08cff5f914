variable "create" {
  description = "Whether to create the queue (and its alarm)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Queue name. Standard queues only: the mapping's on-failure destination cannot be a FIFO queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 characters of letters, digits, - and _. A .fifo name is rejected: Lambda cannot send on-failure records to a FIFO queue."
  }
}

variable "message_retention_seconds" {
  description = "How long failure records stay for inspection and redrive (60-1209600); 14 days by default, the SQS maximum."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days)."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout for whoever consumes failure records (0-43200)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200."
  }
}

variable "kms_master_key_id" {
  description = "Customer-managed KMS key (ID, ARN or alias ARN) for SSE-KMS. null: SQS-managed encryption (SSE-SQS). Encryption is always on. With a key, the function's role also needs kms:GenerateDataKey and kms:Decrypt on it (pass the key ARN to the execution role)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || try(length(var.kms_master_key_id) > 0, false)
    error_message = "kms_master_key_id must be null or a KMS key ID, ARN or alias."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "Seconds SQS reuses a data key before calling KMS again (60-86400), with a customer-managed key only."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds must be from 60 to 86400."
  }
}

variable "create_alarm" {
  description = "Create a CloudWatch alarm that fires when failure records are waiting in the queue."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_threshold" {
  description = "The alarm fires when ApproximateNumberOfMessagesVisible is at or above this (default 1: any parked record)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.alarm_threshold >= 1
    error_message = "alarm_threshold must be at least 1."
  }
}

variable "alarm_period_seconds" {
  description = "Alarm evaluation period in seconds (a multiple of 60)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60, at least 60."
  }
}

variable "alarm_evaluation_periods" {
  description = "Consecutive periods the threshold must be breached before the alarm fires."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number of at least 1."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when the alarm fires (e.g. an SNS topic)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_actions : startswith(arn, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "ok_actions" {
  description = "ARNs notified when the alarm returns to OK."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.ok_actions : startswith(arn, "arn:")])
    error_message = "ok_actions must be ARNs."
  }
}

variable "tags" {
  description = "Tags for the queue and alarm."
  type        = map(string)
  default     = {}
  nullable    = false
}
