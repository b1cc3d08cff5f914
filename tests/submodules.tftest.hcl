# Each provider-backed submodule on its own, asserting on its resources'
# arguments (plan/apply against the mocked provider) and its own rules.

mock_provider "aws" {}

# --- stream-table -----------------------------------------------------------

run "stream_table_defaults" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name               = "profiles"
    ttl_attribute_name = "expires_at"
  }

  assert {
    condition     = aws_dynamodb_table.this[0].stream_enabled == true && aws_dynamodb_table.this[0].stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "Streams must be on with NEW_AND_OLD_IMAGES by default."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this[0].hash_key == "id"
    error_message = "On-demand billing and an id partition key by default."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled == true && aws_dynamodb_table.this[0].server_side_encryption[0].enabled == true
    error_message = "PITR and encryption at rest must be on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.this[0].ttl[0].enabled == true
    error_message = "TTL should be enabled on the given attribute."
  }
}

run "stream_table_provisioned_without_capacity" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name         = "profiles"
    billing_mode = "PROVISIONED"
  }
  expect_failures = [aws_dynamodb_table.this[0]]
}

run "stream_table_not_created" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name   = "profiles"
    create = false
  }
  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && output.stream_arn == null
    error_message = "create = false must create nothing."
  }
}

# --- failure-queue ----------------------------------------------------------

run "failure_queue_defaults" {
  command = apply
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name          = "profiles-failures"
    alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:on-call"]
  }

  assert {
    condition     = aws_sqs_queue.this[0].sqs_managed_sse_enabled == true && aws_sqs_queue.this[0].kms_master_key_id == null
    error_message = "SSE-SQS must be on without a customer key."
  }

  assert {
    condition     = aws_sqs_queue.this[0].message_retention_seconds == 1209600 && aws_sqs_queue.this[0].fifo_queue != true
    error_message = "A standard queue keeping records 14 days."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.visible_messages[0].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.visible_messages[0].threshold == 1
    error_message = "The alarm must watch visible messages, firing on the first."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.visible_messages[0].dimensions["QueueName"] == "profiles-failures" && aws_cloudwatch_metric_alarm.visible_messages[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:on-call"])
    error_message = "The alarm must watch this queue and notify the given actions."
  }
}

run "failure_queue_customer_key" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name              = "profiles-failures"
    kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/queue-key"
    create_alarm      = false
  }
  assert {
    condition     = aws_sqs_queue.this[0].kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/queue-key" && aws_sqs_queue.this[0].sqs_managed_sse_enabled == null
    error_message = "With a customer key, SSE-KMS replaces SSE-SQS."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.visible_messages) == 0
    error_message = "create_alarm = false must not create the alarm."
  }
}

run "failure_queue_fifo_name" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name = "profiles-failures.fifo"
  }
  expect_failures = [var.name]
}

# --- event-source-mapping ---------------------------------------------------
# The mapping takes its settings from esm-settings' `mapping` output; these
# plan-only runs render them the way a caller does (run.<name>.mapping).

run "esm_settings_with_metrics" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    mapping_metrics = ["EventCount"]
  }
}

run "esm_settings_without_batch_item_failures" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    report_batch_item_failures = false
  }
}

run "event_source_mapping_wiring" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    function_name              = "profiles"
    event_source_arn           = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    on_failure_destination_arn = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    settings                   = run.esm_settings_with_metrics.mapping
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this[0].destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    error_message = "destination_config.on_failure must name the queue."
  }

  assert {
    condition     = [for f in aws_lambda_event_source_mapping.this[0].filter_criteria[0].filter : f.pattern] == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "filter_criteria must carry exactly the insert-only pattern."
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The filter_patterns output must list exactly the patterns on the mapping."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this[0].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "ReportBatchItemFailures must be on by default."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this[0].maximum_retry_attempts == 3 &&
      aws_lambda_event_source_mapping.this[0].maximum_record_age_in_seconds == 3600 &&
      aws_lambda_event_source_mapping.this[0].bisect_batch_on_function_error == true &&
      aws_lambda_event_source_mapping.this[0].starting_position == "TRIM_HORIZON" &&
      aws_lambda_event_source_mapping.this[0].batch_size == 100 &&
      aws_lambda_event_source_mapping.this[0].parallelization_factor == 1 &&
      aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds == 0 &&
      aws_lambda_event_source_mapping.this[0].tumbling_window_in_seconds == 0
    )
    error_message = "Safe defaults: 3 retries, 1 h record age, bisect on, TRIM_HORIZON, batch 100, parallelization 1, no batching or tumbling window."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this[0].metrics_config[0].metrics == toset(["EventCount"])
    error_message = "metrics_config should carry the requested metrics."
  }
}

run "event_source_mapping_without_destination_or_metrics" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    function_name    = "profiles"
    event_source_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    settings         = run.esm_settings_without_batch_item_failures.mapping
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this[0].destination_config) == 0 && length(aws_lambda_event_source_mapping.this[0].metrics_config) == 0
    error_message = "No destination_config or metrics_config blocks when not asked for."
  }
  assert {
    condition     = length(coalesce(aws_lambda_event_source_mapping.this[0].function_response_types, toset([]))) == 0
    error_message = "report_batch_item_failures = false must leave function_response_types empty."
  }
}

# A caller may also write the object by hand: exactly these values reach the mapping.
run "event_source_mapping_hand_written_settings" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    function_name    = "profiles"
    event_source_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    settings = {
      BatchSize                      = 50
      MaximumBatchingWindowInSeconds = 5
      StartingPosition               = "LATEST"
      ParallelizationFactor          = 2
      BisectBatchOnFunctionError     = false
      MaximumRetryAttempts           = 7
      MaximumRecordAgeInSeconds      = 600
      TumblingWindowInSeconds        = 30
      FunctionResponseTypes          = []
      FilterCriteria                 = { Filters = [] }
      MetricsConfig                  = { Metrics = [] }
    }
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.this[0].batch_size == 50 &&
      aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds == 5 &&
      aws_lambda_event_source_mapping.this[0].starting_position == "LATEST" &&
      aws_lambda_event_source_mapping.this[0].parallelization_factor == 2 &&
      aws_lambda_event_source_mapping.this[0].bisect_batch_on_function_error == false &&
      aws_lambda_event_source_mapping.this[0].maximum_retry_attempts == 7 &&
      aws_lambda_event_source_mapping.this[0].maximum_record_age_in_seconds == 600 &&
      aws_lambda_event_source_mapping.this[0].tumbling_window_in_seconds == 30
    )
    error_message = "Every settings value must reach its mapping argument."
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this[0].filter_criteria) == 0 && output.filter_patterns == []
    error_message = "No patterns: no filter_criteria block at all (an empty one is rejected by Lambda)."
  }
}

run "event_source_mapping_fifo_destination" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings                   = run.esm_settings_with_metrics.mapping
    function_name              = "profiles"
    event_source_arn           = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    on_failure_destination_arn = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures.fifo"
  }
  expect_failures = [var.on_failure_destination_arn]
}

run "event_source_mapping_table_arn_as_source" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings         = run.esm_settings_with_metrics.mapping
    function_name    = "profiles"
    event_source_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles"
  }
  expect_failures = [var.event_source_arn]
}

run "event_source_mapping_without_stream" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings      = run.esm_settings_with_metrics.mapping
    function_name = "profiles"
  }
  expect_failures = [aws_lambda_event_source_mapping.this[0]]
}

# --- execution-role -----------------------------------------------------------

run "execution_role_policy_document" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                        = "profiles"
    stream_arn                  = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn               = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
    on_failure_destination_type = "sqs"
    on_failure_destination_arn  = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    policy_statements = [
      {
        sid       = "ReadConfig"
        actions   = ["ssm:GetParameter"]
        resources = ["arn:aws:ssm:eu-west-1:111111111111:parameter/profiles/*"]
        conditions = [
          { test = "StringEquals", variable = "aws:RequestedRegion", values = ["eu-west-1"] },
          { test = "Bool", variable = "aws:SecureTransport", values = ["true"] },
          { test = "StringEquals", variable = "aws:PrincipalAccount", values = ["111111111111", "222222222222"] },
        ]
      },
      {
        effect    = "Deny"
        actions   = ["ssm:PutParameter"]
        resources = ["arn:aws:ssm:eu-west-1:111111111111:parameter/profiles/*"]
      },
    ]
  }

  # The module's statements in order, then the caller's: Sid only when given,
  # conditions grouped by test operator.
  assert {
    condition = jsondecode(aws_iam_role_policy.this[0].policy) == {
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
        {
          Sid      = "ReadConfig"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter"]
          Resource = ["arn:aws:ssm:eu-west-1:111111111111:parameter/profiles/*"]
          Condition = {
            StringEquals = {
              "aws:RequestedRegion"  = ["eu-west-1"]
              "aws:PrincipalAccount" = ["111111111111", "222222222222"]
            }
            Bool = { "aws:SecureTransport" = ["true"] }
          }
        },
        {
          Effect   = "Deny"
          Action   = ["ssm:PutParameter"]
          Resource = ["arn:aws:ssm:eu-west-1:111111111111:parameter/profiles/*"]
        },
      ]
    }
    error_message = "The inline policy must be exactly the module's five statements on these ARNs, then the caller's two."
  }

  assert {
    condition     = output.policy_json == aws_iam_role_policy.this[0].policy
    error_message = "The policy_json output must be the policy attached to the role."
  }

  assert {
    condition = jsondecode(aws_iam_role.this[0].assume_role_policy) == {
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

  assert {
    condition     = aws_iam_role.this[0].name == "profiles" && aws_iam_role_policy.this[0].name == "profiles"
    error_message = "Role and inline policy should be named after var.name."
  }
}

run "execution_role_attach_without_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                             = "profiles"
    stream_arn                       = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn                    = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
    attach_notification_topic_policy = true
  }
  expect_failures = [aws_iam_role_policy.this[0]]
}

run "execution_role_wildcard_log_group" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name          = "profiles"
    stream_arn    = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn = "arn:aws:logs:eu-west-1:111111111111:log-group:*"
  }
  expect_failures = [var.log_group_arn]
}

# --- lambda-function --------------------------------------------------------
# The function takes handler-settings' `function_settings` output.

run "handler_settings_with_topic" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    notification_topic_arn = "arn:aws:sns:eu-west-1:111111111111:profile-events"
  }
}

run "lambda_function_settings" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    settings      = run.handler_settings_with_topic.function_settings
  }

  assert {
    condition = (
      aws_lambda_function.this[0].handler == "handler.entrypoint.lambda_handler" &&
      aws_lambda_function.this[0].runtime == "python3.13" &&
      aws_lambda_function.this[0].architectures == tolist(["arm64"]) &&
      aws_lambda_function.this[0].timeout == 30 &&
      aws_lambda_function.this[0].memory_size == 256
    )
    error_message = "Defaults: handler.entrypoint.lambda_handler, python3.13, arm64, 30 s, 256 MB."
  }

  assert {
    condition     = aws_lambda_function.this[0].source_code_hash == filebase64sha256("./tests/tf-fixtures/stub-handler.zip") && aws_lambda_function.this[0].filename == "./tests/tf-fixtures/stub-handler.zip"
    error_message = "filename and source_code_hash must come from the given zip."
  }

  assert {
    condition = aws_lambda_function.this[0].environment[0].variables == tomap({
      POWERTOOLS_SERVICE_NAME                = "ddb-stream-handler"
      POWERTOOLS_METRICS_NAMESPACE           = "DynamoDBStreams"
      POWERTOOLS_LOG_LEVEL                   = "INFO"
      STREAM_HANDLER_ALLOWED_EVENT_NAMES     = "INSERT"
      STREAM_HANDLER_PROCESSOR               = "handler.processors.user_profile:process_record"
      STREAM_HANDLER_NOTIFICATION_TOPIC_ARN  = "arn:aws:sns:eu-west-1:111111111111:profile-events"
      STREAM_HANDLER_IDEMPOTENCY_TABLE       = ""
      STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS = "86400"
      STREAM_HANDLER_INVALID_RECORD_ACTION   = "fail"
      STREAM_HANDLER_LOG_IMAGES              = "false"
      STREAM_HANDLER_FAILURE_MODE            = "stop"
      STREAM_HANDLER_CONCURRENCY             = "1"
    })
    error_message = "The environment must be exactly what handler-settings renders."
  }

  assert {
    condition     = aws_lambda_function.this[0].tracing_config[0].mode == "Active" && aws_lambda_function.this[0].logging_config[0].log_group == "/aws/lambda/profiles"
    error_message = "Active tracing, logging to the module's log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/lambda/profiles" && aws_cloudwatch_log_group.this[0].retention_in_days == 30
    error_message = "The log group must be the function's, with 30-day retention."
  }
}

# A caller may also write the object by hand: exactly these values reach the function.
run "lambda_function_hand_written_settings" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    settings = {
      environment_variables = { STREAM_HANDLER_PROCESSOR = "my_app.processors:handle" }
      timeout               = 120
      memory_size           = 1024
      handler               = "my_app.entry.main"
    }
  }
  assert {
    condition = (
      aws_lambda_function.this[0].environment[0].variables == tomap({ STREAM_HANDLER_PROCESSOR = "my_app.processors:handle" }) &&
      aws_lambda_function.this[0].timeout == 120 &&
      aws_lambda_function.this[0].memory_size == 1024 &&
      aws_lambda_function.this[0].handler == "my_app.entry.main"
    )
    error_message = "Every settings value must reach its function argument."
  }
}

run "lambda_function_missing_zip" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/does-not-exist.zip"
    settings      = run.handler_settings_with_topic.function_settings
  }
  expect_failures = [aws_lambda_function.this[0]]
}

# --- notification-topic and idempotency-table --------------------------------

run "notification_topic_encrypted" {
  command = plan
  module {
    source = "./modules/notification-topic"
  }
  variables {
    name = "profile-events"
  }
  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == "alias/aws/sns" && aws_sns_topic.this[0].name == "profile-events"
    error_message = "The topic must be encrypted with the AWS managed key by default."
  }
}

run "idempotency_table_ttl" {
  command = plan
  module {
    source = "./modules/idempotency-table"
  }
  variables {
    name = "profiles-idempotency"
  }
  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].attribute_name == "expiration" && aws_dynamodb_table.this[0].ttl[0].enabled == true && aws_dynamodb_table.this[0].hash_key == "id"
    error_message = "The idempotency table must use Powertools' id key and expiration TTL."
  }
}

# Used on their own, the role and the mapping still refuse a missing stream
# (the root turns these checks off and reports it in its own terms).
run "execution_role_standalone_needs_a_stream" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name          = "profiles"
    log_group_arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
  }
  expect_failures = [aws_iam_role_policy.this[0]]
}

run "event_source_mapping_standalone_needs_a_stream" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    function_name = "profiles"
    settings      = run.esm_settings_without_batch_item_failures.mapping
  }
  expect_failures = [aws_lambda_event_source_mapping.this[0]]
}
