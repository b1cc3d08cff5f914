variable "create" {
  description = "Whether to create the topic (and its alarm)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Topic name. Standard topics only: the mapping's on-failure destination cannot be a FIFO topic."
  type        = string

  validation {
    condition     = !endswith(var.name, ".fifo")
    error_message = "name ends in .fifo: Lambda cannot send on-failure records to a FIFO topic. Use a standard topic name."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.name))
    error_message = "name must be 1-256 characters of letters, digits, - and _."
  }
}

variable "kms_master_key_id" {
  description = "Customer managed KMS key (ID, ARN or alias) encrypting the topic. null: the AWS managed key alias/aws/sns. With a customer key, the function's role also needs kms:GenerateDataKey and kms:Decrypt on it (pass the key ARN to the execution role), and every subscriber service needs it in the key policy."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || try(length(var.kms_master_key_id) > 0, false)
    error_message = "kms_master_key_id must be null or a KMS key ID, ARN or alias."
  }
}

variable "create_alarm" {
  description = "Create a CloudWatch alarm that fires when on-failure records are published to the topic."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_threshold" {
  description = "The alarm fires when NumberOfMessagesPublished (Sum per period) is at or above this (default 1: any given-up batch)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.alarm_threshold >= 1
    error_message = "alarm_threshold must be at least 1."
  }
}

variable "alarm_period_seconds" {
  description = "Alarm evaluation period in seconds; SNS sends topic metrics every 5 minutes, so at least 300."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.alarm_period_seconds >= 300 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60, at least 300 (SNS reports every 5 minutes)."
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
  description = "ARNs notified when the alarm fires (e.g. an SNS topic CloudWatch may publish to: not one encrypted with alias/aws/sns)."
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
  description = "Tags for the topic and alarm."
  type        = map(string)
  default     = {}
  nullable    = false
}
