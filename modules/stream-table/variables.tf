variable "create" {
  description = "Whether to create the table. false: create nothing (outputs are null)."
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

variable "hash_key" {
  description = "Partition key attribute name."
  type        = string
  default     = "id"
  nullable    = false

  validation {
    condition     = length(var.hash_key) > 0 && length(var.hash_key) <= 255
    error_message = "hash_key must be 1-255 characters."
  }
}

variable "hash_key_type" {
  description = "Partition key type: S (string), N (number) or B (binary)."
  type        = string
  default     = "S"
  nullable    = false

  validation {
    condition     = contains(["S", "N", "B"], var.hash_key_type)
    error_message = "hash_key_type must be S, N or B."
  }
}

variable "range_key" {
  description = "Sort key attribute name. null: no sort key."
  type        = string
  default     = null

  validation {
    condition     = var.range_key == null || try(length(var.range_key) > 0 && length(var.range_key) <= 255, false)
    error_message = "range_key must be null or 1-255 characters."
  }
}

variable "range_key_type" {
  description = "Sort key type: S, N or B (used only with range_key)."
  type        = string
  default     = "S"
  nullable    = false

  validation {
    condition     = contains(["S", "N", "B"], var.range_key_type)
    error_message = "range_key_type must be S, N or B."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on-demand) or PROVISIONED (then set read_capacity and write_capacity)."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  description = "Provisioned read capacity units (PROVISIONED billing only)."
  type        = number
  default     = null

  validation {
    condition     = var.read_capacity == null || coalesce(var.read_capacity, 1) >= 1
    error_message = "read_capacity must be null or at least 1."
  }
}

variable "write_capacity" {
  description = "Provisioned write capacity units (PROVISIONED billing only)."
  type        = number
  default     = null

  validation {
    condition     = var.write_capacity == null || coalesce(var.write_capacity, 1) >= 1
    error_message = "write_capacity must be null or at least 1."
  }
}

variable "stream_view_type" {
  description = "What each stream record carries: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES. The handler reads NewImage, so KEYS_ONLY and OLD_IMAGE leave it nothing to process."
  type        = string
  default     = "NEW_AND_OLD_IMAGES"
  nullable    = false

  validation {
    condition     = contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], var.stream_view_type)
    error_message = "stream_view_type must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Enable point-in-time recovery (continuous backups)."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN for server-side encryption. null: the AWS managed key (aws/dynamodb). Encryption at rest is always on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "ttl_attribute_name" {
  description = "Attribute holding an epoch-seconds expiry time; DynamoDB deletes expired items (each deletion is a REMOVE stream record). null: TTL off."
  type        = string
  default     = null

  validation {
    condition     = var.ttl_attribute_name == null || try(length(var.ttl_attribute_name) > 0, false)
    error_message = "ttl_attribute_name must be null or a non-empty attribute name."
  }
}

variable "deletion_protection_enabled" {
  description = "Protect the table against deletion (terraform destroy fails until it is turned off)."
  type        = bool
  default     = false
  nullable    = false
}

variable "table_class" {
  description = "STANDARD or STANDARD_INFREQUENT_ACCESS."
  type        = string
  default     = "STANDARD"
  nullable    = false

  validation {
    condition     = contains(["STANDARD", "STANDARD_INFREQUENT_ACCESS"], var.table_class)
    error_message = "table_class must be STANDARD or STANDARD_INFREQUENT_ACCESS."
  }
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
  nullable    = false
}
