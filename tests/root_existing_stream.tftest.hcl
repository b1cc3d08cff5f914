# Root module attached to an existing table's stream and an existing queue:
# nothing table- or queue-shaped is created, and the role names the given ARNs.

mock_provider "aws" {}

override_resource {
  target = module.lambda_function.aws_cloudwatch_log_group.this[0]
  values = {
    arn = "arn:aws:logs:us-east-1:222222222222:log-group:/aws/lambda/orders-handler"
  }
}

override_resource {
  target = module.execution_role.aws_iam_role.this[0]
  values = {
    arn = "arn:aws:iam::222222222222:role/orders-handler"
  }
}

variables {
  name                 = "orders-handler"
  lambda_filename      = "./tests/tf-fixtures/stub-handler.zip"
  create_table         = false
  stream_arn           = "arn:aws:dynamodb:us-east-1:222222222222:table/orders/stream/2025-06-01T12:00:00.123"
  stream_view_type     = "NEW_IMAGE"
  create_failure_queue = false
  failure_queue_arn    = "arn:aws:sqs:us-east-1:222222222222:shared-stream-failures"
}

run "attaches_to_existing_stream_and_queue" {
  command = apply

  assert {
    condition     = output.table_name == null && output.table_arn == null
    error_message = "No table may be created when create_table = false."
  }

  assert {
    condition     = output.stream_arn == var.stream_arn && module.event_source_mapping.event_source_arn == var.stream_arn
    error_message = "The mapping must read the given stream."
  }

  assert {
    condition     = output.failure_queue_url == null && module.event_source_mapping.on_failure_destination_arn == "arn:aws:sqs:us-east-1:222222222222:shared-stream-failures"
    error_message = "No queue may be created; the given queue must be the on-failure destination."
  }

  assert {
    condition     = output.failure_queue_alarm_arn == null
    error_message = "The alarm belongs to a created queue only."
  }

  assert {
    condition = jsonencode([for s in output.role_policy_statements : s if contains(["ReadStream", "SendFailureRecords", "WriteOwnLogs"], s.sid)]) == jsonencode([
      {
        sid       = "ReadStream"
        actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        resources = ["arn:aws:dynamodb:us-east-1:222222222222:table/orders/stream/2025-06-01T12:00:00.123"]
      },
      {
        sid       = "WriteOwnLogs"
        actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:aws:logs:us-east-1:222222222222:log-group:/aws/lambda/orders-handler:*"]
      },
      {
        sid       = "SendFailureRecords"
        actions   = ["sqs:SendMessage"]
        resources = ["arn:aws:sqs:us-east-1:222222222222:shared-stream-failures"]
      },
    ])
    error_message = "Stream, log and queue grants must name exactly the given stream, the function's log group and the given queue."
  }

  assert {
    condition     = length([for s in output.role_policy_statements : s if s.sid == "DecryptStream"]) == 0
    error_message = "No KMS grant without a customer-managed key."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:us-east-1:222222222222:table/orders/stream/2025-06-01T12:00:00.123"]
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = ["*"]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:us-east-1:222222222222:log-group:/aws/lambda/orders-handler:*"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:us-east-1:222222222222:shared-stream-failures"]
        },
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "The attached policy must name exactly the given stream, the function's log group and the given queue."
  }

  assert {
    condition = jsondecode(module.execution_role.assume_role_policy_json) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "LambdaAssumeRole"
        Effect    = "Allow"
        Action    = ["sts:AssumeRole"]
        Principal = { Service = ["lambda.amazonaws.com"] }
      }]
    }
    error_message = "Only the Lambda service may assume the role."
  }
}

run "existing_resources_with_keys_topic_and_idempotency_table" {
  command = apply

  variables {
    stream_kms_key_arn     = "arn:aws:kms:us-east-1:222222222222:key/orders-table"
    notification_topic_arn = "arn:aws:sns:us-east-1:222222222222:order-events"
    idempotency_table_arn  = "arn:aws:dynamodb:us-east-1:222222222222:table/orders-idempotency"
  }

  assert {
    condition     = output.idempotency_table_name == "orders-idempotency" && output.environment_variables["STREAM_HANDLER_IDEMPOTENCY_TABLE"] == "orders-idempotency"
    error_message = "The handler should get the existing idempotency table's name, taken from its ARN."
  }

  assert {
    condition     = output.environment_variables["STREAM_HANDLER_NOTIFICATION_TOPIC_ARN"] == "arn:aws:sns:us-east-1:222222222222:order-events"
    error_message = "The handler should publish to the given topic."
  }

  assert {
    condition = jsonencode([for s in output.role_policy_statements : s if contains(["DecryptStream", "PublishNotifications", "IdempotencyRecords"], s.sid)]) == jsonencode([
      {
        sid       = "DecryptStream"
        actions   = ["kms:Decrypt"]
        resources = ["arn:aws:kms:us-east-1:222222222222:key/orders-table"]
      },
      {
        sid       = "PublishNotifications"
        actions   = ["sns:Publish"]
        resources = ["arn:aws:sns:us-east-1:222222222222:order-events"]
      },
      {
        sid       = "IdempotencyRecords"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
        resources = ["arn:aws:dynamodb:us-east-1:222222222222:table/orders-idempotency"]
      },
    ])
    error_message = "Grants for the existing key, topic and idempotency table must name exactly those ARNs."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:us-east-1:222222222222:table/orders/stream/2025-06-01T12:00:00.123"]
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = ["*"]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:us-east-1:222222222222:log-group:/aws/lambda/orders-handler:*"]
        },
        {
          Sid      = "DecryptStream"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = ["arn:aws:kms:us-east-1:222222222222:key/orders-table"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:us-east-1:222222222222:shared-stream-failures"]
        },
        {
          Sid      = "PublishNotifications"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = ["arn:aws:sns:us-east-1:222222222222:order-events"]
        },
        {
          Sid      = "IdempotencyRecords"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
          Resource = ["arn:aws:dynamodb:us-east-1:222222222222:table/orders-idempotency"]
        },
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "The attached policy must name exactly the existing stream key, topic and idempotency table."
  }
}

# Filter rules that need several variables (view type vs. image conditions,
# pattern count and size) live in modules/esm-settings and are tested there
# (esm_settings.tftest.hcl): expect_failures cannot name a nested module's output.
