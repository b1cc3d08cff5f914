variable "create" {
  description = "Whether to create the topic."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Topic name (a standard topic)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 characters of letters, digits, - and _ (standard topic; no .fifo)."
  }
}

variable "kms_master_key_id" {
  description = "KMS key (ID, ARN or alias) encrypting messages at rest. Default: the AWS managed key alias/aws/sns. With a customer-managed key, pass its ARN to the execution role so the function may use it."
  type        = string
  default     = "alias/aws/sns"
  nullable    = false

  validation {
    condition     = length(var.kms_master_key_id) > 0
    error_message = "kms_master_key_id must not be empty; encryption at rest stays on (alias/aws/sns is the AWS managed key)."
  }
}

variable "tags" {
  description = "Tags for the topic."
  type        = map(string)
  default     = {}
  nullable    = false
}
