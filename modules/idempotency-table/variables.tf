variable "create" {
  description = "Whether to create the table."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Table name."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be a DynamoDB table name: 3-255 characters of letters, digits, _ . -"
  }
}

variable "key_attribute" {
  description = "Partition key attribute (Powertools' DynamoDBPersistenceLayer default: id)."
  type        = string
  default     = "id"
  nullable    = false

  validation {
    condition     = length(var.key_attribute) > 0
    error_message = "key_attribute must not be empty."
  }
}

variable "expiry_attribute" {
  description = "TTL attribute (Powertools' default: expiration); expired idempotency records are deleted by DynamoDB."
  type        = string
  default     = "expiration"
  nullable    = false

  validation {
    condition     = length(var.expiry_attribute) > 0
    error_message = "expiry_attribute must not be empty: TTL is what keeps the table small."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Enable point-in-time recovery. On by default for a uniform security baseline, although the records are only a short-lived cache."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN for server-side encryption. null: the AWS managed key. With a key, pass it to the execution role too."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
  nullable    = false
}
