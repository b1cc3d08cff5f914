variable "create" {
  description = "Whether to create the role and its policy."
  type        = bool
  default     = true
  nullable    = false
}

variable "check_required_inputs" {
  description = "Check at plan that stream_arn, log_group_arn and, with on_failure_destination_type set, on_failure_destination_arn are given. The root module sets false: it reports a missing stream or destination itself, in terms of its own variables, so a mistake gives one error."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Role name; the inline policy gets the same name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be an IAM role name: 1-64 characters of letters, digits and + = , . @ _ -"
  }
}

variable "path" {
  description = "IAM path of the role."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-~]+/)*$", var.path))
    error_message = "path must start and end with / (e.g. / or /service/)."
  }
}

variable "permissions_boundary" {
  description = "ARN of a managed policy used as the role's permissions boundary, if your organisation requires one."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-zA-Z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be null or an IAM policy ARN."
  }
}

variable "stream_arn" {
  description = "ARN of the DynamoDB stream the function's mapping reads; stream read actions are granted on it alone. Required when create = true."
  type        = string
  default     = null

  validation {
    condition     = var.stream_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN: arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>."
  }
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of the stream's table, if any: reading the stream then needs kms:Decrypt on it. null: AWS managed or owned key, nothing to grant."
  type        = string
  default     = null

  validation {
    condition     = var.stream_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.stream_kms_key_arn))
    error_message = "stream_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "log_group_arn" {
  description = "ARN of the function's log group (without the trailing :*); log writes are granted on its streams only. Required when create = true."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_arn == null || can(regex("^arn:aws[a-zA-Z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+$", var.log_group_arn))
    error_message = "log_group_arn must be a CloudWatch Logs log group ARN without a wildcard: arn:aws:logs:<region>:<account>:log-group:<name>."
  }
}

variable "on_failure_destination_type" {
  description = "Type of the mapping's on-failure destination: sqs, sns or s3 (the mapping sends with the function's role, so the role gets exactly that type's actions on on_failure_destination_arn), or null for none. A plain string so the policy's shape is known at plan time even when the ARN is not."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_type == null || contains(["sqs", "sns", "s3"], coalesce(var.on_failure_destination_type, "-"))
    error_message = "on_failure_destination_type must be sqs, sns, s3 or null."
  }
}

variable "on_failure_destination_arn" {
  description = "ARN of the on-failure destination: a standard SQS queue, a standard SNS topic or an S3 bucket, of the on_failure_destination_type service."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_arn == null || !try(endswith(var.on_failure_destination_arn, ".fifo"), false)
    error_message = "on_failure_destination_arn is a FIFO queue or topic (.fifo); Lambda only sends on-failure records to standard queues and topics."
  }

  validation {
    condition = var.on_failure_destination_arn == null || anytrue([
      can(regex("^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$", var.on_failure_destination_arn)),
      can(regex("^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.on_failure_destination_arn)),
      can(regex("^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.on_failure_destination_arn)),
    ])
    error_message = "on_failure_destination_arn must be null, an SQS queue ARN, an SNS topic ARN or an S3 bucket ARN (arn:aws:s3:::<bucket>, not an object or prefix)."
  }
}

variable "on_failure_destination_kms_key_arn" {
  description = "Customer managed KMS key ARN of the destination, if any: sending then needs kms:GenerateDataKey (and kms:Decrypt for a queue or topic) on it. null: SSE-SQS, SSE-S3 or an AWS managed key, nothing to grant."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.on_failure_destination_kms_key_arn))
    error_message = "on_failure_destination_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>): an IAM grant on an alias or key ID does not cover the key."
  }
}

variable "attach_notification_topic_policy" {
  description = "Grant sns:Publish on notification_topic_arn."
  type        = bool
  default     = false
  nullable    = false
}

variable "notification_topic_arn" {
  description = "ARN of the SNS topic the processor publishes to."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be null or an SNS topic ARN."
  }
}

variable "notification_topic_kms_key_arn" {
  description = "Customer-managed KMS key ARN of the topic: publishing needs kms:GenerateDataKey and kms:Decrypt on it. null for the AWS managed key, whose key policy already admits SNS publishers of the account."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.notification_topic_kms_key_arn))
    error_message = "notification_topic_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "attach_idempotency_table_policy" {
  description = "Grant the item actions Powertools idempotency uses (GetItem, PutItem, UpdateItem, DeleteItem) on idempotency_table_arn."
  type        = bool
  default     = false
  nullable    = false
}

variable "idempotency_table_arn" {
  description = "ARN of the idempotency table."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_arn))
    error_message = "idempotency_table_arn must be null or a DynamoDB table ARN."
  }
}

variable "idempotency_table_kms_key_arn" {
  description = "Customer-managed KMS key ARN of the idempotency table, or null."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.idempotency_table_kms_key_arn))
    error_message = "idempotency_table_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "attach_tracing_policy" {
  description = "Grant the X-Ray actions active tracing needs."
  type        = bool
  default     = true
  nullable    = false
}

variable "policy_statements" {
  description = "Escape hatch: extra statements for the inline policy (e.g. access a processor of your own needs). Keep them as narrow as these."
  type = list(object({
    sid       = optional(string)
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Each policy_statements element needs effect Allow or Deny and at least one action and one resource."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : s.sid == null || can(regex("^[A-Za-z0-9]+$", coalesce(s.sid, "x")))])
    error_message = "policy_statements[*].sid may only contain letters and digits."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(distinct([for c in s.conditions : "${c.test} ${c.variable}"])) == length(s.conditions)])
    error_message = "A policy_statements element has two conditions with the same test and variable; list all their values in one condition (values are ORed)."
  }
}

variable "attach_vpc_policy" {
  description = "Grant what Lambda needs to run the function in a VPC: the EC2 network-interface actions of AWSLambdaVPCAccessExecutionRole, scoped to vpc_subnet_ids, vpc_security_group_ids and network interfaces of the function's account and region (the two Describe actions take only \"*\"). A plain boolean so the policy's shape is known at plan time."
  type        = bool
  default     = false
  nullable    = false
}

variable "vpc_subnet_ids" {
  description = "Subnets of the function's VPC configuration (attach_vpc_policy)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "vpc_subnet_ids must be subnet IDs (subnet-0123456789abcdef0)."
  }
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function's VPC configuration (attach_vpc_policy)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "vpc_security_group_ids must be security group IDs (sg-0123456789abcdef0)."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
  nullable    = false
}
