# The examples, planned against the mocked provider: they must plan cleanly
# and render the filters their READMEs promise, byte for byte.

mock_provider "aws" {}

variables {
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

run "complete_is_insert_only" {
  command = plan
  module {
    source = "./examples/complete"
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The complete example must be insert-only."
  }
}

run "custom_filters_render_as_documented" {
  command = plan
  module {
    source = "./examples/custom-filters"
  }

  assert {
    condition = output.filter_patterns == [
      "{\"dynamodb\":{\"NewImage\":{\"email\":{\"S\":[{\"exists\":true}]},\"source\":{\"S\":[{\"anything-but\":[\"load-test\"]}]},\"status\":{\"S\":[\"active\",\"pending\"]}}},\"eventName\":[\"INSERT\"]}",
      "{\"dynamodb\":{\"Keys\":{\"user_id\":{\"S\":[{\"prefix\":\"vip-\"}]}}},\"eventName\":[\"INSERT\"]}",
      "{\"dynamodb\":{\"NewImage\":{\"needs_review\":{\"BOOL\":[true]}}},\"eventName\":[\"INSERT\"]}",
    ]
    error_message = "The custom-filters example's patterns differ from its README."
  }
}

run "existing_stream_reads_the_tables_stream" {
  command = plan
  module {
    source = "./examples/existing-stream"
  }

  override_data {
    target = data.aws_dynamodb_table.existing
    values = {
      stream_arn       = "arn:aws:dynamodb:us-east-1:333333333333:table/user-profiles/stream/2025-01-01T00:00:00.000"
      stream_view_type = "NEW_AND_OLD_IMAGES"
    }
  }

  assert {
    condition     = output.role_policy_statements[0].resources == ["arn:aws:dynamodb:us-east-1:333333333333:table/user-profiles/stream/2025-01-01T00:00:00.000"]
    error_message = "The role must read exactly the existing table's stream."
  }
}
