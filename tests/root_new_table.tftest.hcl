# Root module, new-table mode: a table with Streams on, insert-only mapping,
# failure queue wired as the on-failure destination, least-privilege role.

mock_provider "aws" {}

override_resource {
  target = module.stream_table.aws_dynamodb_table.this[0]
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
  }
}

override_resource {
  target = module.failure_queue.aws_sqs_queue.this[0]
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/profiles-failures"
  }
}

override_resource {
  target = module.lambda_function.aws_cloudwatch_log_group.this[0]
  values = {
    arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
  }
}

override_resource {
  target = module.execution_role.aws_iam_role.this[0]
  values = {
    arn = "arn:aws:iam::111111111111:role/profiles"
  }
}

override_resource {
  target = module.lambda_function.aws_lambda_function.this[0]
  values = {
    arn     = "arn:aws:lambda:eu-west-1:111111111111:function:profiles"
    version = "1"
  }
}

override_resource {
  target = module.lambda_function.aws_lambda_alias.this[0]
  values = {
    arn = "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
  }
}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

run "defaults_insert_only_pipeline" {
  command = apply

  assert {
    condition     = module.stream_table.table_name == "profiles" && module.stream_table.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "The table should be named after var.name with a NEW_AND_OLD_IMAGES stream."
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The default filter must be exactly the insert-only pattern."
  }

  assert {
    condition     = output.stream_arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    error_message = "stream_arn should be the created table's stream."
  }

  assert {
    condition     = module.event_source_mapping.event_source_arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    error_message = "The mapping must read the created table's stream."
  }

  assert {
    condition     = module.event_source_mapping.on_failure_destination_arn == "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    error_message = "The mapping's on-failure destination must be the created queue."
  }

  assert {
    condition     = output.failure_queue_arn == "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    error_message = "failure_queue_arn output should be the created queue."
  }

  assert {
    condition     = module.event_source_mapping.function_name == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
    error_message = "The mapping must invoke the created function through its alias."
  }

  assert {
    condition = jsonencode(output.mapping) == jsonencode({
      BatchSize                      = 100
      BisectBatchOnFunctionError     = true
      FilterCriteria                 = { Filters = [{ Pattern = "{\"eventName\":[\"INSERT\"]}" }] }
      FunctionResponseTypes          = ["ReportBatchItemFailures"]
      MaximumBatchingWindowInSeconds = 0
      MaximumRecordAgeInSeconds      = 3600
      MaximumRetryAttempts           = 3
      MetricsConfig                  = { Metrics = [] }
      ParallelizationFactor          = 1
      StartingPosition               = "TRIM_HORIZON"
      TumblingWindowInSeconds        = 0
    })
    error_message = "Default mapping settings differ from the documented safe defaults (docs/DESIGN.md)."
  }

  assert {
    condition = jsonencode(output.role_policy_statements) == jsonencode([
      {
        sid       = "ReadStream"
        actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
      },
      {
        sid       = "ListStreams"
        actions   = ["dynamodb:ListStreams"]
        resources = ["*"]
      },
      {
        sid       = "WriteOwnLogs"
        actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
      },
      {
        sid       = "SendFailureRecords"
        actions   = ["sqs:SendMessage"]
        resources = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
      },
      {
        sid       = "WriteTraces"
        actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        resources = ["*"]
      },
    ])
    error_message = "The role must be scoped to exactly this stream, log group and queue (no SNS, no idempotency table by default)."
  }

  assert {
    condition = output.environment_variables == tomap({
      POWERTOOLS_SERVICE_NAME                = "ddb-stream-handler"
      POWERTOOLS_METRICS_NAMESPACE           = "DynamoDBStreams"
      POWERTOOLS_LOG_LEVEL                   = "INFO"
      STREAM_HANDLER_ALLOWED_EVENT_NAMES     = "INSERT"
      STREAM_HANDLER_PROCESSOR               = "handler.processors.user_profile:process_record"
      STREAM_HANDLER_NOTIFICATION_TOPIC_ARN  = ""
      STREAM_HANDLER_IDEMPOTENCY_TABLE       = ""
      STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS = "86400"
      STREAM_HANDLER_INVALID_RECORD_ACTION   = "fail"
      STREAM_HANDLER_LOG_IMAGES              = "false"
      STREAM_HANDLER_FAILURE_MODE            = "stop"
      STREAM_HANDLER_CONCURRENCY             = "1"
    })
    error_message = "The function environment differs from the DESIGN.md contract defaults."
  }

  assert {
    condition     = module.lambda_function.source_code_hash == filebase64sha256("./tests/tf-fixtures/stub-handler.zip")
    error_message = "source_code_hash must be the zip's base64 SHA-256 so a new package redeploys."
  }

  assert {
    condition     = output.notification_topic_arn == null && output.idempotency_table_name == null && output.idempotency_table_arn == null
    error_message = "Topic and idempotency table are off by default."
  }

  assert {
    condition     = module.failure_queue.alarm_name == "profiles-failures-visible-messages"
    error_message = "The failure queue alarm should exist by default."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
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
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
        },
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "The policy attached to the role must be exactly these five statements on the created stream, log group and queue."
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

run "optional_topic_and_idempotency_table" {
  command = apply

  variables {
    create_notification_topic = true
    create_idempotency_table  = true
    allowed_event_names       = ["INSERT", "MODIFY"]
    event_names               = ["INSERT", "MODIFY"]
  }

  override_resource {
    target = module.notification_topic.aws_sns_topic.this[0]
    values = {
      arn = "arn:aws:sns:eu-west-1:111111111111:profiles-notifications"
    }
  }

  override_resource {
    target = module.idempotency_table.aws_dynamodb_table.this[0]
    values = {
      arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles-idempotency"
    }
  }

  assert {
    condition     = output.environment_variables["STREAM_HANDLER_NOTIFICATION_TOPIC_ARN"] == "arn:aws:sns:eu-west-1:111111111111:profiles-notifications"
    error_message = "The handler must publish to the created topic."
  }

  assert {
    condition     = output.environment_variables["STREAM_HANDLER_IDEMPOTENCY_TABLE"] == "profiles-idempotency"
    error_message = "The handler must use the created idempotency table."
  }

  assert {
    condition     = output.environment_variables["STREAM_HANDLER_ALLOWED_EVENT_NAMES"] == "INSERT,MODIFY"
    error_message = "allowed_event_names should be rendered comma-separated."
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\",\"MODIFY\"]}"]
    error_message = "event_names should render into the eventName filter."
  }

  assert {
    condition = jsonencode([for s in output.role_policy_statements : s if contains(["PublishNotifications", "IdempotencyRecords"], s.sid)]) == jsonencode([
      {
        sid       = "PublishNotifications"
        actions   = ["sns:Publish"]
        resources = ["arn:aws:sns:eu-west-1:111111111111:profiles-notifications"]
      },
      {
        sid       = "IdempotencyRecords"
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
        resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles-idempotency"]
      },
    ])
    error_message = "sns:Publish and the idempotency item actions must be scoped to the created topic and table."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
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
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
        },
        {
          Sid      = "PublishNotifications"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = ["arn:aws:sns:eu-west-1:111111111111:profiles-notifications"]
        },
        {
          Sid      = "IdempotencyRecords"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles-idempotency"]
        },
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "The attached policy must add exactly sns:Publish on the created topic and the item actions on the created idempotency table."
  }
}

run "customer_managed_keys" {
  command = apply

  variables {
    table_kms_key_arn         = "arn:aws:kms:eu-west-1:111111111111:key/table-key"
    failure_queue_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/queue-key"
    tracing_mode              = "PassThrough"
  }

  assert {
    condition = jsonencode([for s in output.role_policy_statements : s if startswith(s.sid, "Decrypt") || startswith(s.sid, "Encrypt") || s.sid == "WriteTraces"]) == jsonencode([
      {
        sid       = "DecryptStream"
        actions   = ["kms:Decrypt"]
        resources = ["arn:aws:kms:eu-west-1:111111111111:key/table-key"]
      },
      {
        sid       = "EncryptFailureRecords"
        actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
        resources = ["arn:aws:kms:eu-west-1:111111111111:key/queue-key"]
      },
    ])
    error_message = "KMS grants must name exactly the table's and the queue's keys; no X-Ray grant without active tracing."
  }

  assert {
    condition     = module.failure_queue.kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/queue-key"
    error_message = "The queue should be encrypted with the given key."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
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
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "DecryptStream"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = ["arn:aws:kms:eu-west-1:111111111111:key/table-key"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
        },
        {
          Sid      = "EncryptFailureRecords"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource = ["arn:aws:kms:eu-west-1:111111111111:key/queue-key"]
        },
      ]
    }
    error_message = "The attached policy must grant the table's and the queue's keys exactly, and no X-Ray without active tracing."
  }
}

run "customer_managed_keys_of_topic_and_idempotency_table" {
  command = apply

  variables {
    create_notification_topic      = true
    notification_topic_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/topic-key"
    create_idempotency_table       = true
    idempotency_table_kms_key_arn  = "arn:aws:kms:eu-west-1:111111111111:key/idempotency-key"
  }

  override_resource {
    target = module.notification_topic.aws_sns_topic.this[0]
    values = {
      arn = "arn:aws:sns:eu-west-1:111111111111:profiles-notifications"
    }
  }

  override_resource {
    target = module.idempotency_table.aws_dynamodb_table.this[0]
    values = {
      arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles-idempotency"
    }
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
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
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
        },
        {
          Sid      = "PublishNotifications"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = ["arn:aws:sns:eu-west-1:111111111111:profiles-notifications"]
        },
        {
          Sid      = "EncryptNotifications"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource = ["arn:aws:kms:eu-west-1:111111111111:key/topic-key"]
        },
        {
          Sid      = "IdempotencyRecords"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles-idempotency"]
        },
        {
          Sid      = "EncryptIdempotencyRecords"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
          Resource = ["arn:aws:kms:eu-west-1:111111111111:key/idempotency-key"]
        },
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "The attached policy must grant the topic's and the idempotency table's customer keys exactly."
  }
}

run "custom_filters_on_new_image" {
  command = apply

  variables {
    filters = [
      {
        new_image = {
          status = { type = "S", equals = ["NEW", "PENDING"] }
          email  = { type = "S", exists = true }
        }
      },
      {
        keys = {
          id = { type = "S", prefix = "vip-" }
        }
      },
    ]
  }

  assert {
    condition = output.filter_patterns == [
      "{\"dynamodb\":{\"NewImage\":{\"email\":{\"S\":[{\"exists\":true}]},\"status\":{\"S\":[\"NEW\",\"PENDING\"]}}},\"eventName\":[\"INSERT\"]}",
      "{\"dynamodb\":{\"Keys\":{\"id\":{\"S\":[{\"prefix\":\"vip-\"}]}}},\"eventName\":[\"INSERT\"]}",
    ]
    error_message = "Filters must render to these exact DynamoDB-typed patterns, each with the eventName condition."
  }
}
