variable "table_name" {
  description = "Name of an existing table that already has Streams enabled (NEW_IMAGE or NEW_AND_OLD_IMAGES)."
  type        = string
  default     = "user-profiles"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a DynamoDB table name."
  }
}
variable "lambda_filename" {
  description = "Path of the handler zip. null: build/ddb-stream-handler.zip of this repository (run `make package` first)."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_filename == null || try(endswith(var.lambda_filename, ".zip"), false)
    error_message = "lambda_filename must be null or the path of a .zip file."
  }
}
