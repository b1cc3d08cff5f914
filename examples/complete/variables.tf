variable "lambda_filename" {
  description = "Path of the handler zip. null: build/ddb-stream-handler.zip of this repository (run `make package` first)."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_filename == null || try(endswith(var.lambda_filename, ".zip"), false)
    error_message = "lambda_filename must be null or the path of a .zip file."
  }
}
