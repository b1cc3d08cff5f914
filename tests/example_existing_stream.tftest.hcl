# examples/existing-stream: a derived name that satisfies the module's name
# rule for any table name, and the table's customer managed key.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
}

variables {
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

override_data {
  target = data.aws_dynamodb_table.existing
  values = {
    stream_arn       = "arn:aws:dynamodb:us-east-1:333333333333:table/orders.v2/stream/2025-01-01T00:00:00.000"
    stream_view_type = "NEW_AND_OLD_IMAGES"
  }
}

run "dotted_table_name" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    table_name = "orders.v2"
  }
  assert {
    condition     = output.name == "orders-v2-stream"
    error_message = "Dots must become dashes: ${output.name}."
  }
}

run "longest_table_name" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    # 255 characters, dots included: the longest name DynamoDB allows.
    table_name = "${join(".", [for i in range(51) : "abcd"])}e"
  }
  assert {
    condition     = output.name == "abcd-abcd-abcd-abcd-abcd-abcd-abcd-abcd-abc-stream" && length(output.name) == 50
    error_message = "The derived name must fit the module's 50 characters: ${output.name}."
  }
}

run "name_given" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    table_name = "orders.v2"
    name       = "orders-handler"
  }
  assert {
    condition     = output.name == "orders-handler"
    error_message = "A given name must be used as it is."
  }
}

run "customer_managed_key_of_the_table" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    table_name         = "orders.v2"
    stream_kms_key_arn = "arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
  }
  assert {
    condition = [for s in output.role_policy_statements : s if s.sid == "DecryptStream"] == [{
      sid       = "DecryptStream"
      actions   = ["kms:Decrypt"]
      resources = ["arn:aws:kms:us-east-1:333333333333:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"]
    }]
    error_message = "The role must decrypt the stream with exactly the table's key."
  }
}

run "key_alias_instead_of_arn" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }
  variables {
    stream_kms_key_arn = "alias/orders"
  }
  expect_failures = [var.stream_kms_key_arn]
}
