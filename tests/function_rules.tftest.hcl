# modules/lambda-function on its own: what reaches the function, alias and
# provisioned concurrency config, and every cross-input rule. The rules share
# the function's precondition, so each failing run asserts output.problems
# exactly: which rule fired, and that it alone did.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  function_name = "profiles"
  role_arn      = "arn:aws:iam::111111111111:role/profiles-eu-west-1"
  filename      = "./tests/tf-fixtures/stub-handler.zip"
  settings = {
    environment_variables = {}
    timeout               = 30
    memory_size           = 256
    handler               = "handler.entrypoint.lambda_handler"
  }
}

run "defaults_publish_and_alias" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  assert {
    condition     = aws_lambda_function.this[0].publish == true && aws_lambda_alias.this[0].name == "live" && aws_lambda_alias.this[0].function_name == "profiles"
    error_message = "The function publishes versions and the alias live targets it."
  }
  assert {
    condition = (
      length(aws_lambda_function.this[0].snap_start) == 0 &&
      length(aws_lambda_function.this[0].vpc_config) == 0 &&
      length(aws_lambda_function.this[0].ephemeral_storage) == 0 &&
      length(aws_lambda_provisioned_concurrency_config.this) == 0
    )
    error_message = "No SnapStart, VPC, ephemeral storage setting or provisioned concurrency by default."
  }
  assert {
    condition = (
      aws_lambda_function.this[0].logging_config[0].log_format == "Text" &&
      aws_lambda_function.this[0].logging_config[0].log_group == "/aws/lambda/profiles" &&
      aws_lambda_function.this[0].logging_config[0].application_log_level == null &&
      aws_cloudwatch_log_group.this[0].name == "/aws/lambda/profiles"
    )
    error_message = "Text logs to the created /aws/lambda/profiles group by default."
  }
  assert {
    condition     = output.problems == []
    error_message = "The defaults break no rule: ${jsonencode(output.problems)}"
  }
}

run "rollback_to_a_version" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    alias_function_version = "7"
  }
  assert {
    condition     = aws_lambda_alias.this[0].function_version == "7"
    error_message = "alias_function_version must pin the alias."
  }
}

run "provisioned_concurrency_on_the_alias" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    provisioned_concurrent_executions = 4
    reserved_concurrent_executions    = 10
  }
  assert {
    condition = (
      aws_lambda_provisioned_concurrency_config.this[0].qualifier == "live" &&
      aws_lambda_provisioned_concurrency_config.this[0].function_name == "profiles" &&
      aws_lambda_provisioned_concurrency_config.this[0].provisioned_concurrent_executions == 4
    )
    error_message = "Provisioned concurrency belongs on the alias live."
  }
}

run "snap_start_on_published_versions" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    snap_start = true
  }
  assert {
    condition     = aws_lambda_function.this[0].snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart applies to published versions."
  }
}

run "vpc_and_ephemeral_storage" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    vpc_subnet_ids         = ["subnet-0a1b2c3d"]
    vpc_security_group_ids = ["sg-0123abcd"]
    ephemeral_storage_size = 2048
  }
  assert {
    condition = (
      aws_lambda_function.this[0].vpc_config[0].subnet_ids == toset(["subnet-0a1b2c3d"]) &&
      aws_lambda_function.this[0].vpc_config[0].security_group_ids == toset(["sg-0123abcd"]) &&
      aws_lambda_function.this[0].ephemeral_storage[0].size == 2048
    )
    error_message = "Subnets, security groups and /tmp size must reach the function."
  }
}

run "json_logs_with_levels" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    log_format            = "JSON"
    application_log_level = "WARN"
    system_log_level      = "INFO"
  }
  assert {
    condition = (
      aws_lambda_function.this[0].logging_config[0].log_format == "JSON" &&
      aws_lambda_function.this[0].logging_config[0].application_log_level == "WARN" &&
      aws_lambda_function.this[0].logging_config[0].system_log_level == "INFO"
    )
    error_message = "JSON format and both levels must reach logging_config."
  }
}

# GovCloud and China reject LoggingConfig: no block at all, and the created
# group is the one Lambda writes to by default.
run "no_logging_config_where_unsupported" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    logging_config_enabled = false
  }
  assert {
    condition     = length(aws_lambda_function.this[0].logging_config) == 0 && aws_cloudwatch_log_group.this[0].name == "/aws/lambda/profiles"
    error_message = "logging_config must be left out; the group stays /aws/lambda/<name>."
  }
}

run "existing_log_group_is_read_not_created" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    create_log_group = false
  }
  override_data {
    target = data.aws_cloudwatch_log_group.existing[0]
    values = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles" }
  }
  assert {
    condition = (
      length(aws_cloudwatch_log_group.this) == 0 &&
      data.aws_cloudwatch_log_group.existing[0].name == "/aws/lambda/profiles" &&
      output.log_group_arn == "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles" &&
      aws_lambda_function.this[0].logging_config[0].log_group == "/aws/lambda/profiles"
    )
    error_message = "The existing group must be read, used and not created again."
  }
}

# --- the rules, one run each ------------------------------------------------------

run "missing_zip_names_lambda_filename" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    filename = "./tests/tf-fixtures/does-not-exist.zip"
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "The deployment zip ./tests/tf-fixtures/does-not-exist.zip does not exist: run `make package`, or point the module at your zip (lambda_filename in the root module, filename here).",
    ]
    error_message = "Exactly the zip rule must fire: ${jsonencode(output.problems)}"
  }
}

run "no_role" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    role_arn = null
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "role_arn is required: pass the execution role ARN (modules/execution-role output role_arn; role_arn with create_role = false in the root module).",
    ]
    error_message = "Exactly the role rule must fire: ${jsonencode(output.problems)}"
  }
}

run "snap_start_with_provisioned_concurrency" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    snap_start                        = true
    provisioned_concurrent_executions = 2
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "snap_start and provisioned_concurrent_executions (2) exclude each other: Lambda SnapStart does not support provisioned concurrency. Keep one of them.",
    ]
    error_message = "Exactly the SnapStart/provisioned concurrency rule must fire: ${jsonencode(output.problems)}"
  }
}

run "snap_start_with_large_ephemeral_storage" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    snap_start             = true
    ephemeral_storage_size = 1024
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "snap_start needs ephemeral_storage_size of at most 512 MB (got 1024): Lambda SnapStart does not support more ephemeral storage.",
    ]
    error_message = "Exactly the SnapStart/storage rule must fire: ${jsonencode(output.problems)}"
  }
}

run "provisioned_above_reserved_concurrency" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    provisioned_concurrent_executions = 5
    reserved_concurrent_executions    = 2
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "provisioned_concurrent_executions (5) is more than reserved_concurrent_executions (2): provisioned concurrency cannot exceed the function's reserved concurrency. Raise the reservation or set it to -1.",
    ]
    error_message = "Exactly the concurrency rule must fire: ${jsonencode(output.problems)}"
  }
}

run "log_levels_without_json" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    application_log_level = "DEBUG"
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "application_log_level and system_log_level need log_format = \"JSON\": Lambda filters log levels of JSON logs only.",
    ]
    error_message = "Exactly the log level rule must fire: ${jsonencode(output.problems)}"
  }
}

run "json_logs_without_logging_config" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    logging_config_enabled = false
    log_format             = "JSON"
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "logging_config_enabled = false leaves the function on Lambda's defaults (Text logs in /aws/lambda/profiles): log_format = \"JSON\", the log levels and a log_group_name of your own need logging_config, so remove them or enable it.",
    ]
    error_message = "Exactly the logging_config rule must fire: ${jsonencode(output.problems)}"
  }
}

run "subnets_without_security_groups" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    vpc_subnet_ids = ["subnet-0a1b2c3d"]
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "vpc_subnet_ids and vpc_security_group_ids go together: Lambda attaches the function to a VPC through both (give both, or neither).",
    ]
    error_message = "Exactly the VPC rule must fire: ${jsonencode(output.problems)}"
  }
}

run "five_layers_and_the_powertools_layer" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    powertools_layer_version = 27
    layers                   = [for i in range(5) : "arn:aws:lambda:eu-west-1:111111111111:layer:l${i}:1"]
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "The function would get 6 layers (layers plus the Powertools layer); Lambda allows at most 5.",
    ]
    error_message = "Exactly the layer count rule must fire: ${jsonencode(output.problems)}"
  }
}

run "powertools_layer_outside_the_aws_partition" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    powertools_layer_version = 27
  }
  override_data {
    target = data.aws_partition.current[0]
    values = { partition = "aws-cn" }
  }
  expect_failures = [aws_lambda_function.this[0]]
  assert {
    condition = output.problems == [
      "powertools_layer_version builds the ARN of the layer Powertools publishes in the aws partition (account 017000801446); in aws-cn give that partition's layer ARN in layers instead.",
    ]
    error_message = "Exactly the partition rule must fire: ${jsonencode(output.problems)}"
  }
}

# --- single-variable rules ------------------------------------------------------

run "alias_name_only_digits" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    alias_name = "42"
  }
  expect_failures = [var.alias_name]
}

run "alias_version_latest" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    alias_function_version = "$LATEST"
  }
  expect_failures = [var.alias_function_version]
}

run "ephemeral_storage_above_10_gb" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    ephemeral_storage_size = 10241
  }
  expect_failures = [var.ephemeral_storage_size]
}

run "layer_without_version" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    layers = ["arn:aws:lambda:eu-west-1:111111111111:layer:acme"]
  }
  expect_failures = [var.layers]
}

run "system_log_level_error" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    log_format       = "JSON"
    system_log_level = "ERROR"
  }
  expect_failures = [var.system_log_level]
}

run "subnet_given_as_an_arn" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    vpc_subnet_ids         = ["arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0a1b2c3d"]
    vpc_security_group_ids = ["sg-0123abcd"]
  }
  expect_failures = [var.vpc_subnet_ids]
}
