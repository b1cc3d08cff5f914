# Generated from modules/stream-table/variables.tf by `python -m devtools.tf_variables write`.
# Do not edit: change the variable there and rerun the command.
# The table the module creates (create_table = true).
# The root passes these to module.stream_table unchanged; its own variables
# are in variables.tf and variables_function.tf.

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

variable "point_in_time_recovery_enabled" {
  description = "Enable point-in-time recovery (continuous backups)."
  type        = bool
  default     = true
  nullable    = false
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
