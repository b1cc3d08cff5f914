locals {
  kms_send_actions = ["kms:GenerateDataKey", "kms:Decrypt"]

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
    var.attach_failure_queue_policy ? [{
      sid       = "SendFailureRecords"
      actions   = ["sqs:SendMessage"]
      resources = [var.failure_queue_arn]
    }] : [],
    var.attach_failure_queue_policy && var.failure_queue_kms_key_arn != null ? [{
      sid       = "EncryptFailureRecords"
      actions   = local.kms_send_actions
      resources = [var.failure_queue_kms_key_arn]
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
      condition     = var.stream_arn != null && var.log_group_arn != null
      error_message = "stream_arn and log_group_arn are required: the role exists to read that stream and write to that log group."
    }

    precondition {
      condition     = !var.attach_failure_queue_policy || var.failure_queue_arn != null
      error_message = "attach_failure_queue_policy is true but failure_queue_arn is null: pass the queue ARN or set attach_failure_queue_policy = false."
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
