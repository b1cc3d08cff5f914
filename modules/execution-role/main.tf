locals {
  kms_send_actions = ["kms:GenerateDataKey", "kms:Decrypt"]

  # arn:<partition>:ec2:<region>:<account> of the function, read from its log
  # group's ARN (arn:<partition>:logs:<region>:<account>:log-group:<name>).
  log_group_arn_parts = split(":", coalesce(var.log_group_arn, "arn:aws:logs:::"))
  ec2_arn_prefix      = "arn:${local.log_group_arn_parts[1]}:ec2:${local.log_group_arn_parts[3]}:${local.log_group_arn_parts[4]}"

  destination_statements = {
    sqs = [{
      sid       = "SendFailureRecords"
      actions   = ["sqs:SendMessage"]
      resources = [var.on_failure_destination_arn]
    }]
    sns = [{
      sid       = "PublishFailureRecords"
      actions   = ["sns:Publish"]
      resources = [var.on_failure_destination_arn]
    }]
    # Both S3 actions the guide lists: PutObject on the bucket's objects,
    # ListBucket on the bucket itself.
    s3 = [
      {
        sid       = "WriteFailureRecords"
        actions   = ["s3:PutObject"]
        resources = ["${coalesce(var.on_failure_destination_arn, "-")}/*"]
      },
      {
        sid       = "ListFailureBucket"
        actions   = ["s3:ListBucket"]
        resources = [var.on_failure_destination_arn]
      },
    ]
  }

  # Every statement the module grants, as plain data: the policy is built from
  # this list, which is also an output for review (sid, actions, resources).
  statements = concat(
    [
      {
        sid       = "ReadStream"
        actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        resources = [var.stream_arn]
      },
      # ListStreams has no resource-level permissions (the Service Authorization
      # Reference lists no resource type for it), so a stream or table ARN here
      # would simply not grant it. It returns stream ARNs only, never data.
      {
        sid       = "ListStreams"
        actions   = ["dynamodb:ListStreams"]
        resources = ["*"]
      },
      {
        sid       = "WriteOwnLogs"
        actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources = [format("%s:*", var.log_group_arn == null ? "" : var.log_group_arn)]
      },
    ],
    var.stream_kms_key_arn == null ? [] : [{
      sid       = "DecryptStream"
      actions   = ["kms:Decrypt"]
      resources = [var.stream_kms_key_arn]
    }],
    # The mapping sends on-failure records with the function's role, so the role
    # holds exactly the actions the Lambda Developer Guide lists for the chosen
    # destination type ("Retain discarded records for a DynamoDB event source";
    # "Capturing discarded batches ...": sqs:SendMessage, sns:Publish, or
    # s3:PutObject and s3:ListBucket) and nothing for the other two.
    lookup(local.destination_statements, coalesce(var.on_failure_destination_type, "none"), []),
    # ... plus the destination key's actions, listed on the same pages: SQS and
    # SNS need kms:Decrypt and kms:GenerateDataKey, S3 kms:GenerateDataKey.
    var.on_failure_destination_type != null && var.on_failure_destination_kms_key_arn != null ? [{
      sid       = "EncryptFailureRecords"
      actions   = var.on_failure_destination_type == "s3" ? ["kms:GenerateDataKey"] : local.kms_send_actions
      resources = [var.on_failure_destination_kms_key_arn]
    }] : [],
    var.attach_notification_topic_policy ? [{
      sid       = "PublishNotifications"
      actions   = ["sns:Publish"]
      resources = [var.notification_topic_arn]
    }] : [],
    var.attach_notification_topic_policy && var.notification_topic_kms_key_arn != null ? [{
      sid       = "EncryptNotifications"
      actions   = local.kms_send_actions
      resources = [var.notification_topic_kms_key_arn]
    }] : [],
    var.attach_idempotency_table_policy ? [{
      sid       = "IdempotencyRecords"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [var.idempotency_table_arn]
    }] : [],
    var.attach_idempotency_table_policy && var.idempotency_table_kms_key_arn != null ? [{
      sid       = "EncryptIdempotencyRecords"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [var.idempotency_table_kms_key_arn]
    }] : [],
    # A function in a VPC: Lambda manages its network interfaces with this
    # role, using the EC2 actions of AWSLambdaVPCAccessExecutionRole. The two
    # Describe actions have no resource-level permissions (Lambda's guide:
    # DescribeNetworkInterfaces works only on "*"); creating is scoped to
    # network interfaces of this account and region in the given subnets and
    # security groups, the rest to those network interfaces.
    var.attach_vpc_policy ? [
      {
        sid       = "DescribeNetworkInterfaces"
        actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
        resources = ["*"]
      },
      {
        sid     = "CreateNetworkInterfaces"
        actions = ["ec2:CreateNetworkInterface"]
        resources = concat(
          ["${local.ec2_arn_prefix}:network-interface/*"],
          [for id in var.vpc_subnet_ids : "${local.ec2_arn_prefix}:subnet/${id}"],
          [for id in var.vpc_security_group_ids : "${local.ec2_arn_prefix}:security-group/${id}"],
        )
      },
      {
        sid       = "ManageNetworkInterfaces"
        actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        resources = ["${local.ec2_arn_prefix}:network-interface/*"]
      },
    ] : [],
    # X-Ray has no resource-level permissions for these actions: "*" is the
    # only resource AWS accepts.
    var.attach_tracing_policy ? [{
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }] : [],
  )
}

# Policies are plain jsonencode() rather than aws_iam_policy_document, so the
# exact JSON attached is known without the provider (and under a mocked one,
# which would return random JSON for the data source). jsonencode sorts keys.
locals {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Action    = ["sts:AssumeRole"]
      Principal = { Service = ["lambda.amazonaws.com"] }
    }]
  })

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [for s in local.statements : { Sid = s.sid, Effect = "Allow", Action = s.actions, Resource = s.resources }],
      # The caller's statements: Sid and Condition only when given; conditions
      # sharing a test operator go under one key, as IAM's grammar has it.
      [for s in var.policy_statements : merge(
        { Effect = s.effect, Action = s.actions, Resource = s.resources },
        { for k, v in { Sid = s.sid } : k => v if v != null },
        { for k, v in {
          Condition = {
            for test in distinct([for c in s.conditions : c.test]) : test => {
              for c in s.conditions : c.variable => c.values if c.test == test
            }
          }
        } : k => v if length(s.conditions) > 0 },
      )],
    )
  })
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name                 = var.name
  path                 = var.path
  description          = "Execution role of the DynamoDB stream handler ${var.name}: reads one stream, writes its own logs."
  assume_role_policy   = local.assume_role_policy
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  name   = var.name
  role   = aws_iam_role.this[0].id
  policy = local.policy

  lifecycle {
    precondition {
      condition     = !var.check_required_inputs || (var.stream_arn != null && var.log_group_arn != null)
      error_message = "stream_arn and log_group_arn are required: the role exists to read that stream and write to that log group."
    }

    precondition {
      condition     = !var.check_required_inputs || var.on_failure_destination_type == null || var.on_failure_destination_arn != null
      error_message = "on_failure_destination_type is set but on_failure_destination_arn is null: pass the destination's ARN or set on_failure_destination_type = null."
    }

    precondition {
      condition = var.on_failure_destination_type == null || var.on_failure_destination_arn == null || can(regex(lookup({
        sqs = "^arn:aws[a-zA-Z-]*:sqs:"
        sns = "^arn:aws[a-zA-Z-]*:sns:"
        s3  = "^arn:aws[a-zA-Z-]*:s3:::"
      }, coalesce(var.on_failure_destination_type, "none"), "^$"), coalesce(var.on_failure_destination_arn, "-")))
      error_message = "on_failure_destination_arn (${coalesce(var.on_failure_destination_arn, "null")}) is not an ARN of the ${coalesce(var.on_failure_destination_type, "null")} service that on_failure_destination_type names."
    }

    precondition {
      condition     = !var.attach_notification_topic_policy || var.notification_topic_arn != null
      error_message = "attach_notification_topic_policy is true but notification_topic_arn is null: pass the topic ARN or set attach_notification_topic_policy = false."
    }

    precondition {
      condition     = !var.attach_idempotency_table_policy || var.idempotency_table_arn != null
      error_message = "attach_idempotency_table_policy is true but idempotency_table_arn is null: pass the table ARN or set attach_idempotency_table_policy = false."
    }
  }
}
