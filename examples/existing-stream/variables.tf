variable "table_name" {
  description = "Name of an existing table that already has Streams enabled (NEW_IMAGE or NEW_AND_OLD_IMAGES)."
  type        = string
  default     = "user-profiles"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a DynamoDB table name."
  }
}
