variable "table_name" {
  description = "Name of an existing table that already has Streams enabled (NEW_IMAGE or NEW_AND_OLD_IMAGES)."
  type        = string
  default     = "user-profiles"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a DynamoDB table name."
  }
}

variable "name" {
  description = "Base name of what the module creates. null: the table name with characters other than letters, digits, - and _ replaced by -, cut to 43 characters, plus -stream."
  type        = string
  default     = null

  validation {
    condition     = var.name == null || can(regex("^[A-Za-z0-9_-]{1,50}$", coalesce(var.name, "-")))
    error_message = "name must be null or 1-50 characters of letters, digits, - and _."
  }
}

variable "stream_kms_key_arn" {
  description = "ARN of the table's customer managed KMS key, if it has one (DescribeTable: SSEDescription.KMSMasterKeyArn): the role gets kms:Decrypt on it to read the stream. null: an AWS owned or managed key, nothing to grant."
  type        = string
  default     = null

  validation {
    condition     = var.stream_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.stream_kms_key_arn, "-")))
    error_message = "stream_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
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
