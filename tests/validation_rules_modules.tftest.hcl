# Submodule and example variable rules, one run per rule (the value breaks that
# rule only). event-source-mapping and lambda-function take their settings as
# one object rendered by esm-settings / handler-settings (whose own rules are
# tested first); the *_settings_defaults runs render it for the runs below.

mock_provider "aws" {}


# modules/esm-settings: above 300
run "esm_settings_maximum_batching_window_in_seconds" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    maximum_batching_window_in_seconds = 301
  }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

# modules/esm-settings: not supported for DynamoDB streams
run "esm_settings_starting_position" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    starting_position = "AT_TIMESTAMP"
  }
  expect_failures = [var.starting_position]
}

# modules/esm-settings: below 1
run "esm_settings_parallelization_factor" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    parallelization_factor = 0
  }
  expect_failures = [var.parallelization_factor]
}

# modules/esm-settings: below -1
run "esm_settings_maximum_retry_attempts" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    maximum_retry_attempts = -2
  }
  expect_failures = [var.maximum_retry_attempts]
}

# modules/esm-settings: between -1 and 60
run "esm_settings_maximum_record_age_in_seconds" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    maximum_record_age_in_seconds = 59
  }
  expect_failures = [var.maximum_record_age_in_seconds]
}

# modules/esm-settings: above 900
run "esm_settings_tumbling_window_in_seconds" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    tumbling_window_in_seconds = 901
  }
  expect_failures = [var.tumbling_window_in_seconds]
}

# modules/esm-settings: a metric DynamoDB mappings do not have
run "esm_settings_mapping_metrics" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    mapping_metrics = ["KafkaMetrics"]
  }
  expect_failures = [var.mapping_metrics]
}

# modules/esm-settings: a JSON array, not an object
run "esm_settings_raw_filter_patterns" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["[{\"eventName\":[\"INSERT\"]}]"]
  }
  expect_failures = [var.raw_filter_patterns]
}

# modules/esm-settings: an attribute the filter object does not have
run "esm_settings_filters" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ data = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [var.filters]
}

# modules/esm-settings: above the most a quota increase grants
run "esm_settings_filters_per_mapping_quota" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters_per_mapping_quota = 11
  }
  expect_failures = [var.filters_per_mapping_quota]
}

# modules/handler-settings: an unknown event name
run "handler_settings_event_names" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    event_names = ["CREATE"]
  }
  expect_failures = [var.event_names]
}

# modules/handler-settings: an empty list
run "handler_settings_allowed_event_names" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    allowed_event_names = []
  }
  expect_failures = [var.allowed_event_names]
}

# modules/handler-settings: a file path instead of module:function
run "handler_settings_processor" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    processor = "handler/processors/user_profile.py"
  }
  expect_failures = [var.processor]
}

# modules/handler-settings: an unknown action
run "handler_settings_invalid_record_action" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    invalid_record_action = "retry"
  }
  expect_failures = [var.invalid_record_action]
}

# modules/handler-settings: zero seconds
run "handler_settings_timeout" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    timeout = 0
  }
  expect_failures = [var.timeout]
}

# modules/handler-settings: above 10240 MB
run "handler_settings_memory_size" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    memory_size = 10241
  }
  expect_failures = [var.memory_size]
}

# modules/handler-settings: a name Lambda reserves
run "handler_settings_environment_variables" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables {
    environment_variables = { LAMBDA_TASK_ROOT = "/tmp" }
  }
  expect_failures = [var.environment_variables]
}

# The default settings objects, as a caller renders them.
run "esm_settings_defaults" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
}

run "handler_settings_defaults" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
}

# modules/event-source-mapping: a function name with a space
run "event_source_mapping_function_name" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings      = run.esm_settings_defaults.mapping
    function_name = "profiles handler"
  }
  expect_failures = [var.function_name]
}

# modules/event-source-mapping: a function ARN as on-failure destination
run "event_source_mapping_on_failure_destination_arn" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings                   = run.esm_settings_defaults.mapping
    on_failure_destination_arn = "arn:aws:lambda:us-east-1:111111111111:function:dlq"
  }
  expect_failures = [var.on_failure_destination_arn]
}

# modules/event-source-mapping: an alias instead of a key ARN
run "event_source_mapping_kms_key_arn" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings    = run.esm_settings_defaults.mapping
    kms_key_arn = "alias/lambda"
  }
  expect_failures = [var.kms_key_arn]
}

# modules/event-source-mapping: a starting position DynamoDB streams do not support
run "event_source_mapping_settings_starting_position" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings = merge(run.esm_settings_defaults.mapping, { StartingPosition = "AT_TIMESTAMP" })
  }
  expect_failures = [var.settings]
}

# modules/event-source-mapping: more than the 10 filter patterns a quota increase allows
run "event_source_mapping_settings_filter_count" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings = merge(run.esm_settings_defaults.mapping, {
      FilterCriteria = { Filters = [for i in range(11) : { Pattern = "{\"eventName\":[\"INSERT\"],\"n\":[${i}]}" }] }
    })
  }
  expect_failures = [var.settings]
}

# modules/event-source-mapping: a response type Lambda does not know
run "event_source_mapping_settings_function_response_types" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings = merge(run.esm_settings_defaults.mapping, { FunctionResponseTypes = ["BatchItemFailures"] })
  }
  expect_failures = [var.settings]
}

# modules/event-source-mapping: a metric DynamoDB stream mappings do not offer
run "event_source_mapping_settings_metrics" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings = merge(run.esm_settings_defaults.mapping, { MetricsConfig = { Metrics = ["ErrorCount"] } })
  }
  expect_failures = [var.settings]
}

# modules/execution-role: a role name with a space
run "execution_role_name" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name = "profiles role"
  }
  expect_failures = [var.name]
}

# modules/execution-role: a path without the trailing slash
run "execution_role_path" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name = "profiles"
    path = "/service"
  }
  expect_failures = [var.path]
}

# modules/execution-role: a policy name instead of its ARN
run "execution_role_permissions_boundary" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                 = "profiles"
    permissions_boundary = "boundary"
  }
  expect_failures = [var.permissions_boundary]
}

# modules/execution-role: a table ARN instead of its stream's
run "execution_role_stream_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name       = "profiles"
    stream_arn = "arn:aws:dynamodb:us-east-1:111111111111:table/profiles"
  }
  expect_failures = [var.stream_arn]
}

# modules/execution-role: an alias instead of a key ARN
run "execution_role_stream_kms_key_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name               = "profiles"
    stream_kms_key_arn = "alias/dynamodb"
  }
  expect_failures = [var.stream_kms_key_arn]
}

# modules/execution-role: a FIFO queue
run "execution_role_on_failure_destination_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                       = "profiles"
    on_failure_destination_arn = "arn:aws:sqs:us-east-1:111111111111:failures.fifo"
  }
  expect_failures = [var.on_failure_destination_arn]
}

# modules/execution-role: an alias instead of a key ARN
run "execution_role_on_failure_destination_kms_key_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                               = "profiles"
    on_failure_destination_kms_key_arn = "alias/sqs"
  }
  expect_failures = [var.on_failure_destination_kms_key_arn]
}

# modules/execution-role: a queue ARN instead of a topic's
run "execution_role_notification_topic_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                   = "profiles"
    notification_topic_arn = "arn:aws:sqs:us-east-1:111111111111:events"
  }
  expect_failures = [var.notification_topic_arn]
}

# modules/execution-role: an alias instead of a key ARN
run "execution_role_notification_topic_kms_key_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                           = "profiles"
    notification_topic_kms_key_arn = "alias/sns"
  }
  expect_failures = [var.notification_topic_kms_key_arn]
}

# modules/execution-role: a table name instead of its ARN
run "execution_role_idempotency_table_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                  = "profiles"
    idempotency_table_arn = "idempotency"
  }
  expect_failures = [var.idempotency_table_arn]
}

# modules/execution-role: an alias instead of a key ARN
run "execution_role_idempotency_table_kms_key_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                          = "profiles"
    idempotency_table_kms_key_arn = "alias/dynamodb"
  }
  expect_failures = [var.idempotency_table_kms_key_arn]
}

# modules/execution-role: an effect other than Allow/Deny
run "execution_role_policy_statements" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name              = "profiles"
    policy_statements = [{ effect = "Permit", actions = ["s3:GetObject"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

# modules/execution-role: a sid with a dash
run "execution_role_policy_statements_2" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name              = "profiles"
    policy_statements = [{ sid = "read-config", actions = ["ssm:GetParameter"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

# modules/failure-queue: below a minute
run "failure_queue_message_retention_seconds" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name                      = "failures"
    message_retention_seconds = 59
  }
  expect_failures = [var.message_retention_seconds]
}

# modules/failure-queue: above 12 hours
run "failure_queue_visibility_timeout_seconds" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name                       = "failures"
    visibility_timeout_seconds = 43201
  }
  expect_failures = [var.visibility_timeout_seconds]
}

# modules/failure-queue: an empty key
run "failure_queue_kms_master_key_id" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name              = "failures"
    kms_master_key_id = ""
  }
  expect_failures = [var.kms_master_key_id]
}

# modules/failure-queue: below a minute
run "failure_queue_kms_data_key_reuse_period_seconds" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name                              = "failures"
    kms_data_key_reuse_period_seconds = 59
  }
  expect_failures = [var.kms_data_key_reuse_period_seconds]
}

# modules/failure-queue: an alarm that is always firing
run "failure_queue_alarm_threshold" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name            = "failures"
    alarm_threshold = 0
  }
  expect_failures = [var.alarm_threshold]
}

# modules/failure-queue: not a multiple of 60
run "failure_queue_alarm_period_seconds" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name                 = "failures"
    alarm_period_seconds = 90
  }
  expect_failures = [var.alarm_period_seconds]
}

# modules/failure-queue: zero periods
run "failure_queue_alarm_evaluation_periods" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name                     = "failures"
    alarm_evaluation_periods = 0
  }
  expect_failures = [var.alarm_evaluation_periods]
}

# modules/failure-queue: an action that is not an ARN
run "failure_queue_alarm_actions" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name          = "failures"
    alarm_actions = ["on-call"]
  }
  expect_failures = [var.alarm_actions]
}

# modules/failure-queue: an action that is not an ARN
run "failure_queue_ok_actions" {
  command = plan
  module {
    source = "./modules/failure-queue"
  }
  variables {
    name       = "failures"
    ok_actions = ["on-call"]
  }
  expect_failures = [var.ok_actions]
}

# modules/idempotency-table: a name shorter than 3 characters
run "idempotency_table_name" {
  command = plan
  module {
    source = "./modules/idempotency-table"
  }
  variables {
    name = "id"
  }
  expect_failures = [var.name]
}

# modules/idempotency-table: an empty key attribute
run "idempotency_table_key_attribute" {
  command = plan
  module {
    source = "./modules/idempotency-table"
  }
  variables {
    name          = "idempotency"
    key_attribute = ""
  }
  expect_failures = [var.key_attribute]
}

# modules/idempotency-table: an empty TTL attribute
run "idempotency_table_expiry_attribute" {
  command = plan
  module {
    source = "./modules/idempotency-table"
  }
  variables {
    name             = "idempotency"
    expiry_attribute = ""
  }
  expect_failures = [var.expiry_attribute]
}

# modules/idempotency-table: an alias instead of a key ARN
run "idempotency_table_kms_key_arn" {
  command = plan
  module {
    source = "./modules/idempotency-table"
  }
  variables {
    name        = "idempotency"
    kms_key_arn = "alias/dynamodb"
  }
  expect_failures = [var.kms_key_arn]
}

# modules/lambda-function: a function name with a space
run "lambda_function_function_name" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles handler"
  }
  expect_failures = [var.function_name]
}

# modules/lambda-function: more than 256 characters
run "lambda_function_description" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    description   = join("", [for i in range(257) : "x"])
  }
  expect_failures = [var.description]
}

# modules/lambda-function: a role name instead of its ARN
run "lambda_function_role_arn" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    role_arn      = "profiles"
  }
  expect_failures = [var.role_arn]
}

# modules/lambda-function: a package that is not a zip
run "lambda_function_filename" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    filename      = "handler.jar"
  }
  expect_failures = [var.filename]
}

# modules/lambda-function: a handler without its module
run "lambda_function_settings_handler" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    settings      = merge(run.handler_settings_defaults.function_settings, { handler = "lambda_handler" })
  }
  expect_failures = [var.settings]
}

# modules/lambda-function: above Lambda's 15 minutes
run "lambda_function_settings_timeout" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    settings      = merge(run.handler_settings_defaults.function_settings, { timeout = 901 })
  }
  expect_failures = [var.settings]
}

# modules/lambda-function: below Lambda's 128 MB
run "lambda_function_settings_memory_size" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    function_name = "profiles"
    settings      = merge(run.handler_settings_defaults.function_settings, { memory_size = 64 })
  }
  expect_failures = [var.settings]
}

# modules/lambda-function: a runtime the package is not built for
run "lambda_function_runtime" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    runtime       = "python3.11"
  }
  expect_failures = [var.runtime]
}

# modules/lambda-function: the Linux name instead of Lambda's arm64
run "lambda_function_architecture" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    architecture  = "aarch64"
  }
  expect_failures = [var.architecture]
}

# modules/lambda-function: below -1
run "lambda_function_reserved_concurrent_executions" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings                       = run.handler_settings_defaults.function_settings
    function_name                  = "profiles"
    reserved_concurrent_executions = -5
  }
  expect_failures = [var.reserved_concurrent_executions]
}

# modules/lambda-function: an unknown tracing mode
run "lambda_function_tracing_mode" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    tracing_mode  = "Enabled"
  }
  expect_failures = [var.tracing_mode]
}

# modules/lambda-function: an alias instead of a key ARN
run "lambda_function_kms_key_arn" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    kms_key_arn   = "alias/lambda"
  }
  expect_failures = [var.kms_key_arn]
}

# modules/lambda-function: a signing profile instead of a code signing config
run "lambda_function_code_signing_config_arn" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings                = run.handler_settings_defaults.function_settings
    function_name           = "profiles"
    code_signing_config_arn = "arn:aws:signer:us-east-1:111111111111:/signing-profiles/p"
  }
  expect_failures = [var.code_signing_config_arn]
}

# modules/lambda-function: more than 5 layers
run "lambda_function_layers" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    layers        = [for i in range(6) : "arn:aws:lambda:us-east-1:111111111111:layer:l${i}:1"]
  }
  expect_failures = [var.layers]
}

# modules/lambda-function: not a CloudWatch Logs retention value
run "lambda_function_log_retention_in_days" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings              = run.handler_settings_defaults.function_settings
    function_name         = "profiles"
    log_retention_in_days = 45
  }
  expect_failures = [var.log_retention_in_days]
}

# modules/lambda-function: an alias instead of a key ARN
run "lambda_function_log_kms_key_id" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings       = run.handler_settings_defaults.function_settings
    function_name  = "profiles"
    log_kms_key_id = "alias/logs"
  }
  expect_failures = [var.log_kms_key_id]
}

# modules/lambda-function: wrong case
run "lambda_function_log_format" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.handler_settings_defaults.function_settings
    function_name = "profiles"
    log_format    = "Json"
  }
  expect_failures = [var.log_format]
}

# modules/notification-topic: a FIFO topic name
run "notification_topic_name" {
  command = plan
  module {
    source = "./modules/notification-topic"
  }
  variables {
    name = "events.fifo"
  }
  expect_failures = [var.name]
}

# modules/notification-topic: an empty key, which would turn encryption off
run "notification_topic_kms_master_key_id" {
  command = plan
  module {
    source = "./modules/notification-topic"
  }
  variables {
    name              = "events"
    kms_master_key_id = ""
  }
  expect_failures = [var.kms_master_key_id]
}

# modules/stream-table: a name shorter than 3 characters
run "stream_table_name" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name = "p"
  }
  expect_failures = [var.name]
}

# modules/stream-table: an empty partition key
run "stream_table_hash_key" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name     = "profiles"
    hash_key = ""
  }
  expect_failures = [var.hash_key]
}

# modules/stream-table: a type name instead of S
run "stream_table_hash_key_type" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name          = "profiles"
    hash_key_type = "STRING"
  }
  expect_failures = [var.hash_key_type]
}

# modules/stream-table: an empty sort key
run "stream_table_range_key" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name      = "profiles"
    range_key = ""
  }
  expect_failures = [var.range_key]
}

# modules/stream-table: a set type as key type
run "stream_table_range_key_type" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name           = "profiles"
    range_key_type = "SS"
  }
  expect_failures = [var.range_key_type]
}

# modules/stream-table: the console's name for PAY_PER_REQUEST
run "stream_table_billing_mode" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name         = "profiles"
    billing_mode = "ON_DEMAND"
  }
  expect_failures = [var.billing_mode]
}

# modules/stream-table: zero read capacity
run "stream_table_read_capacity" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name          = "profiles"
    read_capacity = 0
  }
  expect_failures = [var.read_capacity]
}

# modules/stream-table: zero write capacity
run "stream_table_write_capacity" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name           = "profiles"
    write_capacity = 0
  }
  expect_failures = [var.write_capacity]
}

# modules/stream-table: an unknown view type
run "stream_table_stream_view_type" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name             = "profiles"
    stream_view_type = "NEW"
  }
  expect_failures = [var.stream_view_type]
}

# modules/stream-table: an alias instead of a key ARN
run "stream_table_kms_key_arn" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name        = "profiles"
    kms_key_arn = "alias/aws/dynamodb"
  }
  expect_failures = [var.kms_key_arn]
}

# modules/stream-table: an empty TTL attribute
run "stream_table_ttl_attribute_name" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name               = "profiles"
    ttl_attribute_name = ""
  }
  expect_failures = [var.ttl_attribute_name]
}

# modules/stream-table: an unknown table class
run "stream_table_table_class" {
  command = plan
  module {
    source = "./modules/stream-table"
  }
  variables {
    name        = "profiles"
    table_class = "GLACIER"
  }
  expect_failures = [var.table_class]
}

# examples/complete: a package that is not a zip
run "example_complete_lambda_filename" {
  command = plan
  module {
    source = "./examples/complete"
  }
  variables {
    lambda_filename = "handler.tar.gz"
  }
  expect_failures = [var.lambda_filename]
}

# examples/custom-filters: a package that is not a zip
run "example_custom_filters_lambda_filename" {
  command = plan
  module {
    source = "./examples/custom-filters"
  }
  variables {
    lambda_filename = "handler.tar.gz"
  }
  expect_failures = [var.lambda_filename]
}

# examples/existing-stream: a package that is not a zip
run "example_existing_stream_lambda_filename" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    lambda_filename = "handler.tar.gz"
  }
  override_data {
    target = data.aws_dynamodb_table.existing
    values = {
      stream_arn       = "arn:aws:dynamodb:us-east-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
      stream_view_type = "NEW_AND_OLD_IMAGES"
    }
  }
  expect_failures = [var.lambda_filename]
}

# examples/existing-stream: a name shorter than 3 characters
run "example_existing_stream_table_name" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    table_name = "p"
  }
  override_data {
    target = data.aws_dynamodb_table.existing
    values = {
      stream_arn       = "arn:aws:dynamodb:us-east-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
      stream_view_type = "NEW_AND_OLD_IMAGES"
    }
  }
  expect_failures = [var.table_name]
}
