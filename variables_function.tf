# ---------------------------------------------------------------------------
# The function as production runs it: versions and the alias the mapping
# invokes, provisioned concurrency, SnapStart, layers, VPC, logging, and an
# existing role or log group to adopt. Passed to modules/lambda-function and
# modules/execution-role; their READMEs say more.
# ---------------------------------------------------------------------------

variable "alias_name" {
  description = "Alias the event source mapping invokes. Every apply that changes the code or configuration publishes a version and moves the alias to it."
  type        = string
  default     = "live"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.alias_name)) && !can(regex("^[0-9]+$", var.alias_name))
    error_message = "alias_name must be 1-128 letters, digits, - and _, and not only digits (those name versions)."
  }
}

variable "alias_function_version" {
  description = "Published version the alias points to. null: the version the apply published. A number such as \"7\" rolls the stream back to that version in one apply; set null again to follow new versions."
  type        = string
  default     = null

  validation {
    condition     = var.alias_function_version == null || can(regex("^[0-9]+$", coalesce(var.alias_function_version, "-")))
    error_message = "alias_function_version must be null or a published version number such as \"7\"."
  }
}

variable "provisioned_concurrent_executions" {
  description = "Provisioned concurrency on the alias (environments kept initialized), for latency-sensitive streams. 0: none."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.provisioned_concurrent_executions >= 0 && floor(var.provisioned_concurrent_executions) == var.provisioned_concurrent_executions
    error_message = "provisioned_concurrent_executions must be 0 (none) or a whole number of environments."
  }
}

variable "snap_start" {
  description = "Lambda SnapStart on published versions (Python 3.12 and later); not with provisioned concurrency or more than 512 MB of ephemeral storage."
  type        = bool
  default     = false
  nullable    = false
}

variable "layers" {
  description = "Layer version ARNs for the function (at most 5, the Powertools layer included)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.layers : can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", arn))])
    error_message = "layers must be layer version ARNs: arn:aws:lambda:<region>:<account>:layer:<name>:<version>."
  }
}

variable "powertools_layer_version" {
  description = "Add the public Powertools for AWS Lambda (Python) v3 layer at this version (for the runtime and architecture), for a zip packaged without Powertools. null: Powertools is in the zip."
  type        = number
  default     = null

  validation {
    condition     = var.powertools_layer_version == null || try(var.powertools_layer_version >= 1 && floor(var.powertools_layer_version) == var.powertools_layer_version, false)
    error_message = "powertools_layer_version must be null or a layer version number (a whole number from 1)."
  }
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the function in (with vpc_security_group_ids); the role then gets the network-interface permissions, scoped to these subnets and groups. Empty: no VPC."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "vpc_subnet_ids must be subnet IDs (subnet-0123456789abcdef0)."
  }
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function's network interfaces (with vpc_subnet_ids). Empty: no VPC."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "vpc_security_group_ids must be security group IDs (sg-0123456789abcdef0)."
  }
}

variable "ephemeral_storage_size" {
  description = "Size of the function's /tmp in MB (512-10240)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.ephemeral_storage_size >= 512 && var.ephemeral_storage_size <= 10240 && floor(var.ephemeral_storage_size) == var.ephemeral_storage_size
    error_message = "ephemeral_storage_size must be a whole number of MB from 512 to 10240."
  }
}

variable "log_format" {
  description = "Lambda log format: Text (Powertools' JSON lines kept as written) or JSON (then application_log_level and system_log_level apply)."
  type        = string
  default     = "Text"
  nullable    = false

  validation {
    condition     = contains(["Text", "JSON"], var.log_format)
    error_message = "log_format must be Text or JSON."
  }
}

variable "application_log_level" {
  description = "With log_format = \"JSON\": lowest level of the function's log lines Lambda keeps (TRACE, DEBUG, INFO, WARN, ERROR, FATAL). Powertools then follows it rather than log_level: keep the two in step. null: Lambda's default."
  type        = string
  default     = null

  validation {
    condition     = var.application_log_level == null || contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], coalesce(var.application_log_level, "-"))
    error_message = "application_log_level must be null or one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "system_log_level" {
  description = "With log_format = \"JSON\": lowest level of the Lambda platform's log lines kept (DEBUG, INFO, WARN). null: Lambda's default."
  type        = string
  default     = null

  validation {
    condition     = var.system_log_level == null || contains(["DEBUG", "INFO", "WARN"], coalesce(var.system_log_level, "-"))
    error_message = "system_log_level must be null or one of DEBUG, INFO, WARN."
  }
}

variable "logging_config_enabled" {
  description = "Set the function's logging_config. false in partitions without Lambda's advanced logging controls (AWS GovCloud and China reject LoggingConfig): Text logs in /aws/lambda/<function_name>."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_log_group" {
  description = "Create the function's log group (with log_retention_in_days, log_kms_key_id). false: adopt the existing group log_group_name (or /aws/lambda/<function_name>), e.g. of a function that already ran, where creating it would fail with ResourceAlreadyExistsException."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_group_name" {
  description = "Name of the function's log group, created or existing. null: /aws/lambda/<function_name>."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", coalesce(var.log_group_name, "-")))
    error_message = "log_group_name must be null or a log group name: 1-512 characters of letters, digits and . - _ / #."
  }
}

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
