# Generated from modules/lambda-function/variables.tf by `python -m devtools.tf_variables write`.
# Do not edit: change the variable there and rerun the command.
# The function: runtime, versions and the alias the mapping invokes, logging, layers, VPC.
# The root passes these to module.lambda_function unchanged; its own variables
# are in variables.tf and variables_function.tf.

variable "runtime" {
  description = "Python runtime: python3.14, python3.13 or python3.12, Lambda's Python runtimes on Amazon Linux 2023 (package the zip for the same one: make package RUNTIME=...). Lambda deprecates python3.12 on 2028-10-31, python3.13 and python3.14 on 2029-06-30."
  type        = string
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = contains(["python3.14", "python3.13", "python3.12"], var.runtime)
    error_message = "runtime must be python3.14, python3.13 or python3.12 (python3.11 and older run on Amazon Linux 2, which Lambda deprecated on 2026-06-30: functions on them can no longer be created or updated)."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 (Graviton, cheaper per GB-second) or x86_64 (package with make package ARCH=x86_64)."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency: -1 for none (draw from the account pool), 0 to stop all invocations, or a cap. A stream mapping runs at most shards x parallelization_factor copies anyway."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number of at least 0."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing: Active (sample and trace invocations) or PassThrough."
  type        = string
  default     = "Active"
  nullable    = false

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "code_signing_config_arn" {
  description = "Code signing configuration ARN, if your organisation signs deployment packages."
  type        = string
  default     = null

  validation {
    condition     = var.code_signing_config_arn == null || can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]+$", var.code_signing_config_arn))
    error_message = "code_signing_config_arn must be null or a Lambda code signing config ARN (arn:aws:lambda:<region>:<account>:code-signing-config:csc-...)."
  }
}

variable "layers" {
  description = "Layer ARNs (arn:aws:lambda:<region>:<account>:layer:<name>:<version>), up to 5 together with the Powertools layer. The zip already contains the handler's dependencies unless it was packaged without Powertools (then see powertools_layer_version)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.layers) <= 5
    error_message = "A function can use at most 5 layers."
  }

  validation {
    condition     = alltrue([for arn in var.layers : can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", arn))])
    error_message = "layers must be layer version ARNs: arn:aws:lambda:<region>:<account>:layer:<name>:<version> (with the version number)."
  }
}

variable "powertools_layer_version" {
  description = "Version of the public Powertools for AWS Lambda (Python) v3 layer to add, for a zip packaged without Powertools: the module adds arn:aws:lambda:<region>:017000801446:layer:AWSLambdaPowertoolsPythonV3-<python3XY>-<architecture>:<version>, matching runtime and architecture. Pick the layer version that ships the Powertools release the handler was tested with (handler/requirements.txt; `aws lambda get-layer-version-by-arn` shows a version's description). null: no layer, Powertools is in the zip."
  type        = number
  default     = null

  validation {
    condition     = var.powertools_layer_version == null || try(var.powertools_layer_version >= 1 && floor(var.powertools_layer_version) == var.powertools_layer_version, false)
    error_message = "powertools_layer_version must be null or a layer version number (a whole number from 1)."
  }
}

variable "log_retention_in_days" {
  description = "Days the function's logs are kept (a CloudWatch Logs retention value; 0 = never expire). 30 by default: the logs can hold personal data."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a CloudWatch Logs retention value: 0 (never), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_id" {
  description = "KMS key ARN encrypting the log group. null: CloudWatch Logs' service-managed encryption. The key policy must allow the logs service principal."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:", var.log_kms_key_id))
    error_message = "log_kms_key_id must be null or a KMS key ARN."
  }
}

variable "log_format" {
  description = "Lambda log format: Text or JSON. Powertools already writes JSON lines, so Text keeps them as they are; JSON lets Lambda filter by application_log_level and system_log_level."
  type        = string
  default     = "Text"
  nullable    = false

  validation {
    condition     = contains(["Text", "JSON"], var.log_format)
    error_message = "log_format must be Text or JSON."
  }
}

variable "application_log_level" {
  description = "Lowest level of the function's own log lines Lambda keeps (TRACE, DEBUG, INFO, WARN, ERROR, FATAL; log_format = \"JSON\" only). Lambda sets it as AWS_LAMBDA_LOG_LEVEL, which Powertools' Logger then prefers to POWERTOOLS_LOG_LEVEL: keep the two in step. null: Lambda's default."
  type        = string
  default     = null

  validation {
    condition     = var.application_log_level == null || contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], coalesce(var.application_log_level, "-"))
    error_message = "application_log_level must be null or one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log lines kept (DEBUG, INFO, WARN; log_format = \"JSON\" only). null: Lambda's default."
  type        = string
  default     = null

  validation {
    condition     = var.system_log_level == null || contains(["DEBUG", "INFO", "WARN"], coalesce(var.system_log_level, "-"))
    error_message = "system_log_level must be null or one of DEBUG, INFO, WARN."
  }
}

variable "logging_config_enabled" {
  description = "Set the function's logging_config (log format, levels, log group). false where Lambda's advanced logging controls do not exist (AWS GovCloud and China regions reject LoggingConfig): the function then logs Text to /aws/lambda/<function_name>, which is still the group created or given here."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_log_group" {
  description = "Create the function's log group with log_retention_in_days and log_kms_key_id. false: the group log_group_name names already exists (the function ran before, or another team owns it) and is only read; creating it again would fail with ResourceAlreadyExistsException."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_group_name" {
  description = "Name of the function's log group, created or existing (create_log_group). null: /aws/lambda/<function_name>."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", coalesce(var.log_group_name, "-")))
    error_message = "log_group_name must be null or a log group name: 1-512 characters of letters, digits and . - _ / #."
  }
}

variable "alias_name" {
  description = "Name of the alias the event source mapping invokes. Each apply that changes the code or configuration publishes a version and moves the alias to it."
  type        = string
  default     = "live"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.alias_name)) && !can(regex("^[0-9]+$", var.alias_name))
    error_message = "alias_name must be 1-128 letters, digits, - and _, and not only digits (those name versions)."
  }
}

variable "alias_function_version" {
  description = "Published version the alias points to. null: the version this apply published (the latest). A number such as \"7\" rolls back to that version in one apply; set it back to null to follow new versions again."
  type        = string
  default     = null

  validation {
    condition     = var.alias_function_version == null || can(regex("^[0-9]+$", coalesce(var.alias_function_version, "-")))
    error_message = "alias_function_version must be null or a published version number such as \"7\" ($LATEST is not a published version)."
  }
}

variable "provisioned_concurrent_executions" {
  description = "Provisioned concurrency on the alias: that many execution environments kept initialized, for streams where a cold start's latency matters. 0: none (billed per environment-hour when set)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.provisioned_concurrent_executions >= 0 && floor(var.provisioned_concurrent_executions) == var.provisioned_concurrent_executions
    error_message = "provisioned_concurrent_executions must be 0 (none) or a whole number of environments."
  }
}

variable "snap_start" {
  description = "Lambda SnapStart on published versions (Python 3.12 and later): Lambda initializes each new version once and resumes environments from its snapshot. Not together with provisioned concurrency or more than 512 MB of ephemeral storage."
  type        = bool
  default     = false
  nullable    = false
}

variable "vpc_subnet_ids" {
  description = "Subnets to attach the function to (with vpc_security_group_ids). The execution role then needs the network-interface permissions: the root module grants them, scoped to these subnets and groups (modules/execution-role: attach_vpc_policy). Empty: no VPC."
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
  description = "Size of /tmp in MB (512-10240)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.ephemeral_storage_size >= 512 && var.ephemeral_storage_size <= 10240 && floor(var.ephemeral_storage_size) == var.ephemeral_storage_size
    error_message = "ephemeral_storage_size must be a whole number of MB from 512 to 10240."
  }
}
