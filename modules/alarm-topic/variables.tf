variable "create" {
  description = "Whether to create the alarm topic (and its key)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Topic name (a standard topic); also the created key's alias (alias/<name>)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 characters of letters, digits, - and _ (a standard topic; no .fifo)."
  }
}

variable "create_kms_key" {
  description = "Create a customer managed key for the topic whose key policy lets CloudWatch publish. false: use kms_key_arn, or leave the topic unencrypted when that is null."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of an existing customer managed key for the topic (create_kms_key = false). Its key policy must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*. Never the AWS managed alias/aws/sns: CloudWatch cannot use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || !can(regex("(^|:)alias/aws/sns$", var.kms_key_arn))
    error_message = "kms_key_arn is the AWS managed key alias/aws/sns, whose key policy does not admit CloudWatch: alarm notifications to such a topic are never delivered. Use create_kms_key = true, a customer managed key whose policy allows cloudwatch.amazonaws.com, or no key."
  }

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the created key is deleted after terraform destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30 && floor(var.kms_key_deletion_window_in_days) == var.kms_key_deletion_window_in_days
    error_message = "kms_key_deletion_window_in_days must be a whole number from 7 to 30."
  }
}

variable "tags" {
  description = "Tags for the topic and key."
  type        = map(string)
  default     = {}
  nullable    = false
}
