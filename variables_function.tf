# ---------------------------------------------------------------------------
# Adopting an existing role, and the key of the mapping's filter criteria.
# (The function's own settings are generated from modules/lambda-function:
# variables_lambda_function.tf.)
# ---------------------------------------------------------------------------

variable "create_role" {
  description = "Create the function's execution role. false: give role_arn, a role of your own that allows what output role_policy_json lists and trusts lambda.amazonaws.com (output role_trust_policy_json)."
  type        = bool
  default     = true
  nullable    = false
}

variable "role_arn" {
  description = "ARN of an existing execution role, used with create_role = false."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null || can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.role_arn, "-")))
    error_message = "role_arn must be null or an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "event_source_mapping_kms_key_arn" {
  description = "Customer managed KMS key that encrypts the mapping's filter criteria at rest (its kms_key_arn). null: Lambda's own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.event_source_mapping_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.event_source_mapping_kms_key_arn, "-")))
    error_message = "event_source_mapping_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}
