# A consumer's own tests of a stack that uses the module, with no AWS account:
# mock_provider answers every resource and data source. Its generated values
# are random strings, but the module validates the ARNs it passes between its
# parts (a stream ARN must contain /stream/, a log group ARN must be a log
# group's, ...), so the mock is given defaults of the right shape for every
# type whose ARN the module checks (dynamodb_table, sqs_queue, sns_topic and
# kms_key when a topic is created, cloudwatch_log_group, iam_role), plus the
# function and alias for readable ARNs. Copy this block into your own tests.

mock_provider "aws" {
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/mock"
      stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/mock/stream/2026-01-01T00:00:00.000"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:111111111111:mock"
      url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn           = "arn:aws:lambda:eu-west-1:111111111111:function:mock"
      qualified_arn = "arn:aws:lambda:eu-west-1:111111111111:function:mock:1"
      version       = "1"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:mock:live" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
}

# Where a test asserts on one particular ARN, override that one resource: the
# stack's own, or one inside the module.
override_resource {
  target = aws_dynamodb_table.idempotency
  values = {
    arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/shared-idempotency"
  }
}

override_resource {
  target = module.order_events.module.stream_table.aws_dynamodb_table.this[0]
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/order-events"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/order-events/stream/2026-01-01T00:00:00.000"
  }
}

variables {
  # Any small zip: the mocked provider never uploads it.
  lambda_filename = "../../tests/tf-fixtures/stub-handler.zip"
}

run "stack_applies_against_the_mock" {
  command = apply

  assert {
    condition     = output.filter_patterns == ["{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"PAID\"]}}},\"eventName\":[\"INSERT\",\"MODIFY\"]}"]
    error_message = "The mapping must pass paid orders only."
  }

  assert {
    condition     = [for s in output.role_policy_statements : s.resources if s.sid == "ReadStream"] == [["arn:aws:dynamodb:eu-west-1:111111111111:table/order-events/stream/2026-01-01T00:00:00.000"]]
    error_message = "The role must read the orders stream and nothing else."
  }

  assert {
    condition     = [for s in output.role_policy_statements : s.resources if s.sid == "IdempotencyRecords"] == [["arn:aws:dynamodb:eu-west-1:111111111111:table/shared-idempotency"]]
    error_message = "The role must use the consumer's idempotency table."
  }

  assert {
    condition     = output.function_alias_arn == "arn:aws:lambda:eu-west-1:111111111111:function:mock:live"
    error_message = "The mapping invokes the alias (the mock's default ARN)."
  }
}

run "with_the_platform_teams_role" {
  command = apply
  variables {
    role_arn = "arn:aws:iam::111111111111:role/platform/order-events"
  }
  assert {
    condition     = length([for s in jsondecode(output.role_policy_json).Statement : s if s.Sid == "ReadStream"]) == 1
    error_message = "role_policy_json must still list what the platform team's role must allow."
  }
}
