# modules/handler-settings on its own (provider-free): the environment
# contract with handler/ (docs/DESIGN.md) and its validation rules.

run "defaults_match_the_design_contract" {
  command = apply
  module {
    source = "./modules/handler-settings"
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
    error_message = "Default environment differs from docs/DESIGN.md."
  }

  assert {
    condition     = output.timeout == 30 && output.memory_size == 256 && output.handler == "handler.entrypoint.lambda_handler"
    error_message = "Default timeout/memory/handler changed."
  }

  assert {
    condition = jsonencode(output.function_settings) == jsonencode({
      environment_variables = {
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
      }
      handler     = "handler.entrypoint.lambda_handler"
      memory_size = 256
      timeout     = 30
    })
    error_message = "function_settings (what modules/lambda-function gets) must carry the same environment, handler, memory and timeout."
  }
}

run "every_setting_reaches_the_environment" {
  command = apply
  module {
    source = "./modules/handler-settings"
  }
  variables {
    event_names             = ["INSERT", "MODIFY", "REMOVE"]
    processor               = "my_app.processors:handle"
    notification_topic_arn  = "arn:aws:sns:eu-west-1:111111111111:profile-events"
    idempotency_table_name  = "profiles-idempotency"
    idempotency_ttl_seconds = 3600
    log_level               = "DEBUG"
    service_name            = "profiles"
    metrics_namespace       = "MyApp/Streams"
    log_images              = true
    invalid_record_action   = "drop"
    failure_mode            = "continue"
    concurrency             = 16
    timeout                 = 60
    memory_size             = 512
    environment_variables   = { FEATURE_FLAG = "on" }
  }

  assert {
    condition = output.environment_variables == tomap({
      FEATURE_FLAG                           = "on"
      POWERTOOLS_SERVICE_NAME                = "profiles"
      POWERTOOLS_METRICS_NAMESPACE           = "MyApp/Streams"
      POWERTOOLS_LOG_LEVEL                   = "DEBUG"
      STREAM_HANDLER_ALLOWED_EVENT_NAMES     = "INSERT,MODIFY,REMOVE"
      STREAM_HANDLER_PROCESSOR               = "my_app.processors:handle"
      STREAM_HANDLER_NOTIFICATION_TOPIC_ARN  = "arn:aws:sns:eu-west-1:111111111111:profile-events"
      STREAM_HANDLER_IDEMPOTENCY_TABLE       = "profiles-idempotency"
      STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS = "3600"
      STREAM_HANDLER_INVALID_RECORD_ACTION   = "drop"
      STREAM_HANDLER_LOG_IMAGES              = "true"
      STREAM_HANDLER_FAILURE_MODE            = "continue"
      STREAM_HANDLER_CONCURRENCY             = "16"
    })
    error_message = "A setting did not reach its environment variable."
  }

  assert {
    condition     = output.allowed_event_names == tolist(["INSERT", "MODIFY", "REMOVE"]) && output.timeout == 60 && output.memory_size == 512
    error_message = "allowed_event_names should default to event_names; timeout/memory pass through."
  }

  assert {
    condition = (
      output.function_settings.timeout == 60 && output.function_settings.memory_size == 512 &&
      output.function_settings.environment_variables["FEATURE_FLAG"] == "on" &&
      output.function_settings.environment_variables["STREAM_HANDLER_PROCESSOR"] == "my_app.processors:handle"
    )
    error_message = "function_settings must carry the given timeout, memory and environment."
  }
}

run "allowed_event_names_overrides_event_names" {
  command = apply
  module {
    source = "./modules/handler-settings"
  }
  variables {
    event_names         = ["INSERT", "MODIFY"]
    allowed_event_names = ["MODIFY"]
  }
  assert {
    condition     = output.environment_variables["STREAM_HANDLER_ALLOWED_EVENT_NAMES"] == "MODIFY"
    error_message = "allowed_event_names must win over event_names."
  }
}

run "log_level_lower_case" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { log_level = "info" }
  expect_failures = [var.log_level]
}

run "metrics_namespace_reserved_prefix" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { metrics_namespace = "AWS/Lambda" }
  expect_failures = [var.metrics_namespace]
}

run "notification_topic_not_an_sns_arn" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { notification_topic_arn = "arn:aws:sqs:eu-west-1:111111111111:queue" }
  expect_failures = [var.notification_topic_arn]
}

run "idempotency_table_name_too_short" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { idempotency_table_name = "ab" }
  expect_failures = [var.idempotency_table_name]
}

run "idempotency_ttl_below_a_minute" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { idempotency_ttl_seconds = 30 }
  expect_failures = [var.idempotency_ttl_seconds]
}

run "environment_overrides_powertools_variable" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { environment_variables = { POWERTOOLS_LOG_LEVEL = "DEBUG" } }
  expect_failures = [var.environment_variables]
}

run "environment_invalid_name" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { environment_variables = { "1BAD-NAME" = "x" } }
  expect_failures = [var.environment_variables]
}

run "service_name_with_spaces" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { service_name = "my service" }
  expect_failures = [var.service_name]
}

run "failure_mode_unknown" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { failure_mode = "skip" }
  expect_failures = [var.failure_mode]
}

run "concurrency_zero" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { concurrency = 0 }
  expect_failures = [var.concurrency]
}

run "concurrency_above_64" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { concurrency = 65 }
  expect_failures = [var.concurrency]
}

run "concurrency_fractional" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { concurrency = 2.5 }
  expect_failures = [var.concurrency]
}

run "concurrency_upper_bound_is_accepted" {
  command = apply
  module {
    source = "./modules/handler-settings"
  }
  variables { concurrency = 64 }
  assert {
    condition     = output.environment_variables["STREAM_HANDLER_CONCURRENCY"] == "64" && output.environment_variables["STREAM_HANDLER_FAILURE_MODE"] == "stop"
    error_message = "concurrency 64 must reach STREAM_HANDLER_CONCURRENCY, with the default failure mode."
  }
}

run "environment_overrides_a_new_managed_variable" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
  variables { environment_variables = { STREAM_HANDLER_CONCURRENCY = "8" } }
  expect_failures = [var.environment_variables]
}
