variable "create" {
  description = "Whether to create the bucket and its configuration."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Bucket name (globally unique): 3-63 lowercase letters, digits, dots and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$", var.name))
    error_message = "name must be an S3 bucket name: 3-63 lowercase letters, digits, . and -, starting and ending with a letter or digit, no '..', not an IP address."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key ARN for SSE-KMS (with an S3 Bucket Key). null: SSE-S3. With a key, the function's role also needs kms:GenerateDataKey on it (the root passes it to the execution role), and whoever redrives needs kms:Decrypt."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); the role's grant needs the key ARN, not an alias or a key ID."
  }
}

variable "expiration_days" {
  description = "Days after which parked batches (objects under aws/lambda/) expire. null: kept until redriven - with S3 they are the only copy once the stream has trimmed them."
  type        = number
  default     = null

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days, false)
    error_message = "expiration_days must be null or a whole number of at least 1."
  }
}

variable "redriven_prefix" {
  description = "Key prefix redriven batches are moved to (python -m pipeline redrive moves an object there once all its records succeeded)."
  type        = string
  default     = "redriven/"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.redriven_prefix)) && !startswith(var.redriven_prefix, "aws/lambda/")
    error_message = "redriven_prefix must be a key prefix ending in / (e.g. redriven/), outside aws/lambda/ where Lambda parks batches."
  }
}

variable "redriven_expiration_days" {
  description = "Days after which redriven batches (objects under redriven_prefix) expire. null: never."
  type        = number
  default     = 90

  validation {
    condition     = var.redriven_expiration_days == null || try(var.redriven_expiration_days >= 1 && floor(var.redriven_expiration_days) == var.redriven_expiration_days, false)
    error_message = "redriven_expiration_days must be null or a whole number of at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept before it expires."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete a bucket that still holds objects (parked batches would be lost). Keep false outside tests."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
  nullable    = false
}
