# Root-module variable rules not shared with the settings modules (those are
# tested in esm_settings/handler_settings/root_validation and kept identical by
# variable_copies). One run per rule: the value breaks that rule only.

mock_provider "aws" {}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}


# a key alias instead of a key ARN
run "root_stream_kms_key_arn" {
  command = plan
  variables {
    stream_kms_key_arn = "alias/profiles"
  }
  expect_failures = [var.stream_kms_key_arn]
}

# a table name shorter than 3 characters
run "root_table_name" {
  command = plan
  variables {
    table_name = "ab"
  }
  expect_failures = [var.table_name]
}

# an empty partition key
run "root_hash_key" {
  command = plan
  variables {
    hash_key = ""
  }
  expect_failures = [var.hash_key]
}

# a set type as key type
run "root_hash_key_type" {
  command = plan
  variables {
    hash_key_type = "SS"
  }
  expect_failures = [var.hash_key_type]
}

# an empty sort key
run "root_range_key" {
  command = plan
  variables {
    range_key = ""
  }
  expect_failures = [var.range_key]
}

# BOOL as key type
run "root_range_key_type" {
  command = plan
  variables {
    range_key_type = "BOOL"
  }
  expect_failures = [var.range_key_type]
}

# the console's name for PAY_PER_REQUEST
run "root_billing_mode" {
  command = plan
  variables {
    billing_mode = "ON_DEMAND"
  }
  expect_failures = [var.billing_mode]
}

# zero read capacity
run "root_read_capacity" {
  command = plan
  variables {
    read_capacity = 0
  }
  expect_failures = [var.read_capacity]
}

# zero write capacity
run "root_write_capacity" {
  command = plan
  variables {
    write_capacity = 0
  }
  expect_failures = [var.write_capacity]
}

# an alias instead of a key ARN
run "root_table_kms_key_arn" {
  command = plan
  variables {
    table_kms_key_arn = "alias/aws/dynamodb"
  }
  expect_failures = [var.table_kms_key_arn]
}

# an empty TTL attribute
run "root_ttl_attribute_name" {
  command = plan
  variables {
    ttl_attribute_name = ""
  }
  expect_failures = [var.ttl_attribute_name]
}

# an unknown table class
run "root_table_class" {
  command = plan
  variables {
    table_class = "INFREQUENT_ACCESS"
  }
  expect_failures = [var.table_class]
}

# a queue name with a space
run "root_failure_queue_name" {
  command = plan
  variables {
    failure_queue_name = "profiles failures"
  }
  expect_failures = [var.failure_queue_name]
}

# an alias instead of a key ARN
run "root_failure_queue_kms_key_arn" {
  command = plan
  variables {
    failure_queue_kms_key_arn = "alias/aws/sqs"
  }
  expect_failures = [var.failure_queue_kms_key_arn]
}

# more than 14 days
run "root_failure_queue_message_retention_seconds" {
  command = plan
  variables {
    failure_queue_message_retention_seconds = 1209601
  }
  expect_failures = [var.failure_queue_message_retention_seconds]
}

# an alarm action that is not an ARN
run "root_failure_queue_alarm_actions" {
  command = plan
  variables {
    failure_queue_alarm_actions = ["on-call"]
  }
  expect_failures = [var.failure_queue_alarm_actions]
}

# a topic name with a space
run "root_notification_topic_name" {
  command = plan
  variables {
    notification_topic_name = "profile events"
  }
  expect_failures = [var.notification_topic_name]
}

# an empty key, which would turn encryption off
run "root_notification_topic_kms_key_id" {
  command = plan
  variables {
    notification_topic_kms_key_id = ""
  }
  expect_failures = [var.notification_topic_kms_key_id]
}

# an alias instead of a key ARN
run "root_notification_topic_kms_key_arn" {
  command = plan
  variables {
    notification_topic_kms_key_arn = "alias/aws/sns"
  }
  expect_failures = [var.notification_topic_kms_key_arn]
}

# a stream ARN instead of a table ARN
run "root_idempotency_table_arn" {
  command = plan
  variables {
    idempotency_table_arn = "arn:aws:dynamodb:us-east-1:111111111111:table/idem/stream/2026-01-01T00:00:00.000"
  }
  expect_failures = [var.idempotency_table_arn]
}

# a key name instead of a key ARN
run "root_idempotency_table_kms_key_arn" {
  command = plan
  variables {
    idempotency_table_kms_key_arn = "idempotency-key"
  }
  expect_failures = [var.idempotency_table_kms_key_arn]
}

# a function name with a space
run "root_function_name" {
  command = plan
  variables {
    function_name = "profiles handler"
  }
  expect_failures = [var.function_name]
}

# a package that is not a zip
run "root_lambda_filename" {
  command = plan
  variables {
    lambda_filename = "build/handler.tar.gz"
  }
  expect_failures = [var.lambda_filename]
}

# below -1
run "root_reserved_concurrent_executions" {
  command = plan
  variables {
    reserved_concurrent_executions = -2
  }
  expect_failures = [var.reserved_concurrent_executions]
}

# an unknown tracing mode
run "root_tracing_mode" {
  command = plan
  variables {
    tracing_mode = "Off"
  }
  expect_failures = [var.tracing_mode]
}

# an alias instead of a key ARN
run "root_lambda_kms_key_arn" {
  command = plan
  variables {
    lambda_kms_key_arn = "alias/aws/lambda"
  }
  expect_failures = [var.lambda_kms_key_arn]
}

# a config ID instead of its ARN
run "root_code_signing_config_arn" {
  command = plan
  variables {
    code_signing_config_arn = "csc-0123456789abcdef0"
  }
  expect_failures = [var.code_signing_config_arn]
}

# an alias instead of a key ARN
run "root_log_kms_key_id" {
  command = plan
  variables {
    log_kms_key_id = "alias/logs"
  }
  expect_failures = [var.log_kms_key_id]
}

# a role name with a space
run "root_role_name" {
  command = plan
  variables {
    role_name = "profiles role"
  }
  expect_failures = [var.role_name]
}

# a path without slashes
run "root_role_path" {
  command = plan
  variables {
    role_path = "service"
  }
  expect_failures = [var.role_path]
}

# a role ARN instead of a policy ARN
run "root_role_permissions_boundary" {
  command = plan
  variables {
    role_permissions_boundary = "arn:aws:iam::111111111111:role/boundary"
  }
  expect_failures = [var.role_permissions_boundary]
}

# a statement without actions
run "root_role_policy_statements" {
  command = plan
  variables {
    role_policy_statements = [{ actions = [], resources = ["*"] }]
  }
  expect_failures = [var.role_policy_statements]
}

# an SNS topic where an SQS queue ARN is expected
run "root_failure_queue_arn_not_sqs" {
  command = plan
  variables {
    create_failure_queue = false
    failure_queue_arn    = "arn:aws:sns:us-east-1:111111111111:failures"
  }
  expect_failures = [var.failure_queue_arn]
}
# The three shared variables whose root descriptions differ from the
# settings modules' (so variable_copies cannot compare them verbatim).
run "root_stream_view_type" {
  command = plan
  variables {
    stream_view_type = "NEW_AND_OLD"
  }
  expect_failures = [var.stream_view_type]
}

run "root_notification_topic_arn" {
  command = plan
  variables {
    notification_topic_arn = "arn:aws:sqs:us-east-1:111111111111:events"
  }
  expect_failures = [var.notification_topic_arn]
}

run "root_idempotency_table_name" {
  command = plan
  variables {
    create_idempotency_table = true
    idempotency_table_name   = "ab"
  }
  expect_failures = [var.idempotency_table_name]
}
