variable "lambda_filename" {
  description = "Path of the handler zip (make package in a checkout of the module's repository, or your own build)."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_filename == null || try(endswith(var.lambda_filename, ".zip"), false)
    error_message = "lambda_filename must be null or the path of a .zip file."
  }
}

variable "role_arn" {
  description = "An execution role of your own (the module then creates none). null: the module creates it."
  type        = string
  default     = null
}
