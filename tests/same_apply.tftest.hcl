# A stack that creates the table, destinations, topics, keys and alarm topic in
# the same apply as the module: every ARN it gives the module is unknown at plan.
# The plan must still succeed (no "Invalid count argument", no validation that
# needs a known ARN), once per on-failure destination type.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

run "every_input_arn_unknown_sqs" {
  command = plan
  module {
    source = "./tests/tf-fixtures/same-apply"
  }
  variables {
    on_failure_destination_type = "sqs"
  }
  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The stack must plan with every ARN unknown, SQS destination."
  }
}

run "every_input_arn_unknown_sns" {
  command = plan
  module {
    source = "./tests/tf-fixtures/same-apply"
  }
  variables {
    on_failure_destination_type = "sns"
  }
  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The stack must plan with every ARN unknown, SNS destination."
  }
}

run "every_input_arn_unknown_s3" {
  command = plan
  module {
    source = "./tests/tf-fixtures/same-apply"
  }
  variables {
    on_failure_destination_type = "s3"
  }
  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The stack must plan with every ARN unknown, S3 destination."
  }
}
