# Every root-level plan-time error, each with expect_failures naming the
# variable or output that carries the rule. All plan-only: nothing is applied.

mock_provider "aws" {}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

run "batch_size_above_dynamodb_limit" {
  command = plan
  variables { batch_size = 10001 }
  expect_failures = [var.batch_size]
}

run "batch_size_zero" {
  command = plan
  variables { batch_size = 0 }
  expect_failures = [var.batch_size]
}

run "batching_window_above_300" {
  command = plan
  variables { maximum_batching_window_in_seconds = 301 }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "retry_attempts_below_minus_one" {
  command = plan
  variables { maximum_retry_attempts = -2 }
  expect_failures = [var.maximum_retry_attempts]
}

run "retry_attempts_above_10000" {
  command = plan
  variables { maximum_retry_attempts = 10001 }
  expect_failures = [var.maximum_retry_attempts]
}

run "record_age_between_minus_one_and_60" {
  command = plan
  variables { maximum_record_age_in_seconds = 59 }
  expect_failures = [var.maximum_record_age_in_seconds]
}

run "record_age_above_a_week" {
  command = plan
  variables { maximum_record_age_in_seconds = 604801 }
  expect_failures = [var.maximum_record_age_in_seconds]
}

run "record_age_zero" {
  command = plan
  variables { maximum_record_age_in_seconds = 0 }
  expect_failures = [var.maximum_record_age_in_seconds]
}

run "infinite_retries_and_age_are_accepted" {
  command = plan
  variables {
    maximum_retry_attempts        = -1
    maximum_record_age_in_seconds = -1
  }
  assert {
    condition     = output.mapping.MaximumRetryAttempts == -1 && output.mapping.MaximumRecordAgeInSeconds == -1
    error_message = "-1 is a valid value for both."
  }
}

run "parallelization_factor_zero" {
  command = plan
  variables { parallelization_factor = 0 }
  expect_failures = [var.parallelization_factor]
}

run "parallelization_factor_eleven" {
  command = plan
  variables { parallelization_factor = 11 }
  expect_failures = [var.parallelization_factor]
}

run "tumbling_window_above_900" {
  command = plan
  variables { tumbling_window_in_seconds = 901 }
  expect_failures = [var.tumbling_window_in_seconds]
}

run "starting_position_at_timestamp" {
  command = plan
  variables { starting_position = "AT_TIMESTAMP" }
  expect_failures = [var.starting_position]
}

run "unknown_event_name" {
  command = plan
  variables { event_names = ["INSERT", "UPDATE"] }
  expect_failures = [var.event_names]
}

run "lower_case_event_name" {
  command = plan
  variables { event_names = ["insert"] }
  expect_failures = [var.event_names]
}

run "unknown_allowed_event_name" {
  command = plan
  variables { allowed_event_names = ["DELETE"] }
  expect_failures = [var.allowed_event_names]
}

# The filter rules live in modules/esm-settings (output mapping's precondition,
# not a root object), so they are checked there, on the same inputs the root
# passes through.
run "more_than_five_filters" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [for i in range(6) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
  }
  expect_failures = [output.mapping]
  assert {
    condition     = length(output.problems) == 1 && startswith(output.problems[0], "The mapping would get 6 filter patterns (filters plus raw_filter_patterns), more than filters_per_mapping_quota (5).")
    error_message = "Exactly the quota rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_pattern_with_kinesis_data_key" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"data\":{\"status\":[\"NEW\"]}}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition     = length(output.problems) == 1 && startswith(output.problems[0], "raw_filter_patterns[0] $.data: 'data' is the payload key of Kinesis records")
    error_message = "Exactly the data_key check must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_pattern_not_json" {
  command = plan
  variables {
    raw_filter_patterns = ["eventName = INSERT"]
  }
  expect_failures = [var.raw_filter_patterns]
}

run "neither_table_nor_stream_arn" {
  command = plan
  variables {
    create_table = false
  }
  expect_failures = [output.stream_arn]
}

run "stream_arn_is_a_table_arn" {
  command = plan
  variables {
    create_table = false
    stream_arn   = "arn:aws:dynamodb:us-east-1:111111111111:table/profiles"
  }
  expect_failures = [var.stream_arn]
}

run "fifo_failure_queue" {
  command = plan
  variables {
    create_failure_queue = false
    failure_queue_arn    = "arn:aws:sqs:us-east-1:111111111111:failures.fifo"
  }
  expect_failures = [var.failure_queue_arn]
}

run "no_failure_destination" {
  command = plan
  variables {
    create_failure_queue = false
  }
  expect_failures = [output.on_failure_destination_arn]
}

run "idempotency_table_name_without_a_table" {
  command = plan
  variables {
    idempotency_table_name = "my-idempotency"
  }
  expect_failures = [output.idempotency_table_name]
}

run "keys_only_stream_warns_about_the_default_processor" {
  command = plan
  variables {
    stream_view_type = "KEYS_ONLY"
  }
  # A check block only warns; the plan itself succeeds.
  expect_failures = [check.handler_gets_new_image]
}

run "unknown_runtime" {
  command = plan
  variables { runtime = "python3.9" }
  expect_failures = [var.runtime]
}

run "unknown_architecture" {
  command = plan
  variables { architecture = "amd64" }
  expect_failures = [var.architecture]
}

run "timeout_above_15_minutes" {
  command = plan
  variables { timeout = 901 }
  expect_failures = [var.timeout]
}

run "memory_below_128" {
  command = plan
  variables { memory_size = 64 }
  expect_failures = [var.memory_size]
}

run "log_retention_not_a_cloudwatch_value" {
  command = plan
  variables { log_retention_in_days = 10 }
  expect_failures = [var.log_retention_in_days]
}

run "invalid_record_action" {
  command = plan
  variables { invalid_record_action = "ignore" }
  expect_failures = [var.invalid_record_action]
}

run "processor_without_function" {
  command = plan
  variables { processor = "handler.processors.user_profile" }
  expect_failures = [var.processor]
}

run "environment_overrides_managed_variable" {
  command = plan
  variables { environment_variables = { STREAM_HANDLER_PROCESSOR = "x:y" } }
  expect_failures = [var.environment_variables]
}

run "environment_sets_lambda_reserved_variable" {
  command = plan
  variables { environment_variables = { AWS_REGION = "eu-west-1" } }
  expect_failures = [var.environment_variables]
}

run "mapping_metrics_unknown" {
  command = plan
  variables { mapping_metrics = ["ErrorCount"] }
  expect_failures = [var.mapping_metrics]
}

run "name_too_long" {
  command = plan
  variables { name = "a-name-that-is-far-too-long-to-prefix-every-resource-name" }
  expect_failures = [var.name]
}

run "idempotency_ttl_shorter_than_record_age_warns" {
  command = plan
  variables {
    create_idempotency_table      = true
    idempotency_ttl_seconds       = 600
    maximum_record_age_in_seconds = 3600
  }
  expect_failures = [check.idempotency_outlives_retries]
}

run "create_false_creates_nothing" {
  command = plan
  variables {
    create = false
  }
  assert {
    condition     = output.function_name == null && output.table_name == null && output.role_arn == null && output.failure_queue_url == null && output.event_source_mapping_uuid == null
    error_message = "create = false must create nothing."
  }
}
