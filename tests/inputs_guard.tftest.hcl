# Inputs that must not silently do the wrong thing: unknown filter attributes,
# raw patterns that never match a DynamoDB record (with their per-pattern
# opt-out), the filter quota. Every failing run names the one checkable object
# that fails and, where that object carries several rules, asserts the exact
# messages in output.problems: which rule fired, and that it fired once.

mock_provider "aws" {}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

# --- filters: unknown attributes are errors, never dropped ----------------------

# The case from the issue: Kinesis' `data` key instead of new_image. An object
# type would drop it and render {"eventName":["INSERT"]}, delivering every insert.
# var.filters has this one validation, so the expected failure names the rule.
run "root_filter_with_kinesis_data_attribute" {
  command = plan
  variables {
    filters = [{ data = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [var.filters]
}

run "settings_filter_with_kinesis_data_attribute" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ data = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [var.filters]
}

# A misspelt operator (equal for equals) inside a condition.
run "settings_condition_with_unknown_operator" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S", equal = ["NEW"] } } }]
  }
  expect_failures = [var.filters]
}

# The same filters without the unknown attribute pass every rule: the failures
# above are the unknown-attribute rule alone.
run "settings_same_filters_without_unknown_attributes" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S", equals = ["NEW"] } } }]
  }
  assert {
    condition     = output.problems == [] && output.filter_patterns == ["{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"NEW\"]}}},\"eventName\":[\"INSERT\"]}"]
    error_message = "A valid filter must render and break no rule: ${jsonencode(output.problems)}"
  }
}

# Typed as `any`, the values still convert as list(string) would have: numbers
# written as numbers match as their text, booleans as JSON booleans.
run "settings_values_convert_like_a_typed_object" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { age = { type = "N", equals = [42] }, active = { type = "BOOL", equals = [true] } } }]
  }
  assert {
    condition     = output.filter_patterns == ["{\"dynamodb\":{\"NewImage\":{\"active\":{\"BOOL\":[true]},\"age\":{\"N\":[\"42\"]}}},\"eventName\":[\"INSERT\"]}"]
    error_message = "42 must render as \"42\" and true as true: ${jsonencode(output.filter_patterns)}"
  }
}

# A string where a list belongs is an error, not a one-value list.
run "settings_equals_given_a_string" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S", equals = "NEW" } } }]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "filters[0].new_image.status: equals needs a non-empty list of values, e.g. equals = [\"NEW\"].",
    ]
    error_message = "Exactly the list rule must fire, once: ${jsonencode(output.problems)}"
  }
}

# --- raw_filter_patterns: filter lint's never-matches checks at plan time --------

run "raw_untyped_value_under_new_image" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"dynamodb\":{\"NewImage\":{\"status\":[\"NEW\"]}},\"eventName\":[\"INSERT\"]}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.dynamodb.NewImage.status: attribute values are typed in stream records, so 'status' is an object like {\"S\": ...} and this never matches; write {\"status\": {\"S\": [\"NEW\"]}}. If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"untyped_value\"] }.",
    ]
    error_message = "Exactly the untyped_value check must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_numeric_on_an_n_attribute" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":[{\"numeric\":[\">\",17]}]}}}}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.dynamodb.NewImage.age.N[0].numeric: numeric never matches a DynamoDB N value: stream records carry numbers as strings ({\"N\": \"101\"}). Match exact strings ([\"101\"]), a prefix, or anything-but, or filter numerically in the function. If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"numeric_on_n\"] }.",
    ]
    error_message = "Exactly the numeric_on_n check must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_number_literal_on_an_n_key" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"dynamodb\":{\"Keys\":{\"id\":{\"N\":[42]}}}}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.dynamodb.Keys.id.N[0]: the number 42 never matches: N values are strings; write \"42\". If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"numeric_on_n\"] }.",
    ]
    error_message = "Exactly the numeric_on_n check must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_kinesis_data_key" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"data\":{\"status\":[\"NEW\"]}}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.data: 'data' is the payload key of Kinesis records; DynamoDB records have none, so this never matches. Address item attributes under dynamodb.NewImage/OldImage/Keys, e.g. {\"dynamodb\": {\"NewImage\": {\"status\": {\"S\": [\"NEW\"]}}}}. If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"data_key\"] }.",
    ]
    error_message = "Exactly the data_key check must fire, once: ${jsonencode(output.problems)}"
  }
}

run "raw_exists_at_attribute_level" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"dynamodb\":{\"OldImage\":{\"deleted_at\":[{\"exists\":true}]}}}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.dynamodb.OldImage.deleted_at: exists on attribute 'deleted_at' tests the attribute object, which is never a leaf, so it never matches; put exists on the type key: {\"deleted_at\": {\"S\": [{\"exists\": true}]}} (use the attribute's type). If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"exists_on_attribute\"] }.",
    ]
    error_message = "Exactly the exists_on_attribute check must fire, once: ${jsonencode(output.problems)}"
  }
}

# The opt-out: the pattern is passed verbatim, the finding stays visible as skipped.
run "raw_check_skipped_for_that_pattern" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = [
      "{\"dynamodb\":{\"Keys\":{\"id\":{\"S\":[{\"prefix\":\"USER#\"}]}}},\"eventName\":[\"INSERT\"]}",
      { pattern = "{\"dynamodb\":{\"NewImage\":{\"legacy\":[{\"exists\":false}]}},\"eventName\":[\"MODIFY\"]}", skip_checks = ["exists_on_attribute"] },
    ]
  }
  assert {
    condition = output.problems == [] && output.filter_patterns == [
      "{\"dynamodb\":{\"Keys\":{\"id\":{\"S\":[{\"prefix\":\"USER#\"}]}}},\"eventName\":[\"INSERT\"]}",
      "{\"dynamodb\":{\"NewImage\":{\"legacy\":[{\"exists\":false}]}},\"eventName\":[\"MODIFY\"]}",
    ]
    error_message = "The skipped pattern must reach the mapping verbatim, after the plain one."
  }
  assert {
    condition = output.raw_filter_pattern_findings == [{
      index   = 1
      check   = "exists_on_attribute"
      path    = "$.dynamodb.NewImage.legacy"
      message = "exists on attribute 'legacy' tests the attribute object, which is never a leaf, so it always matches (even when the attribute is present); put exists on the type key: {\"legacy\": {\"S\": [{\"exists\": false}]}} (use the attribute's type)"
      skipped = true
    }]
    error_message = "The waived finding must still be reported, marked skipped: ${jsonencode(output.raw_filter_pattern_findings)}"
  }
}

# skip_checks waives the named check only, and only for its own pattern.
run "raw_skip_is_per_check_and_per_pattern" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = [
      { pattern = "{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":[{\"numeric\":[\">\",1]}]},\"x\":[\"a\"]}}}", skip_checks = ["numeric_on_n"] },
      "{\"dynamodb\":{\"NewImage\":{\"age\":{\"N\":[7]}}}}",
    ]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "raw_filter_patterns[0] $.dynamodb.NewImage.x: attribute values are typed in stream records, so 'x' is an object like {\"S\": ...} and this never matches; write {\"x\": {\"S\": [\"a\"]}}. If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"untyped_value\"] }.",
      "raw_filter_patterns[1] $.dynamodb.NewImage.age.N[0]: the number 7 never matches: N values are strings; write \"7\". If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"numeric_on_n\"] }.",
    ]
    error_message = "Only the waived finding may disappear: ${jsonencode(output.problems)}"
  }
}

# An opt-out naming a check that does not exist would waive nothing: an error.
run "raw_skip_of_an_unknown_check" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = [{ pattern = "{\"eventName\":[\"INSERT\"]}", skip_checks = ["typed_value"] }]
  }
  expect_failures = [var.raw_filter_patterns]
}

# The root passes the object form through to the mapping.
run "root_raw_pattern_with_skip_reaches_the_mapping" {
  command = plan
  variables {
    raw_filter_patterns = [{ pattern = "{\"dynamodb\":{\"NewImage\":{\"legacy\":[{\"exists\":false}]}}}", skip_checks = ["exists_on_attribute"] }]
  }
  assert {
    condition     = output.filter_patterns == ["{\"dynamodb\":{\"NewImage\":{\"legacy\":[{\"exists\":false}]}}}"]
    error_message = "The root must give the skipped pattern to the mapping verbatim."
  }
}

# --- how many filters: the quota, acknowledged explicitly -----------------------

run "ten_filters_with_the_quota_raised" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters_per_mapping_quota = 10
    filters                   = [for i in range(10) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
  }
  assert {
    condition     = output.problems == [] && length(output.mapping.FilterCriteria.Filters) == 10
    error_message = "With the quota raised to 10, ten filters are accepted."
  }
}

run "eleven_patterns_with_the_quota_at_its_maximum" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters_per_mapping_quota = 10
    filters                   = [for i in range(10) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
    raw_filter_patterns       = ["{\"eventName\":[\"REMOVE\"]}"]
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "The mapping would get 11 filter patterns (filters plus raw_filter_patterns), more than filters_per_mapping_quota (10). Lambda's quota \"Filters per event source mapping\" is 5 by default and at most 10 after a quota increase: merge conditions (equals takes a list of alternatives), or request the increase and set filters_per_mapping_quota to the granted value.",
    ]
    error_message = "Exactly the quota rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "quota_above_what_aws_grants" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters_per_mapping_quota = 11
  }
  expect_failures = [var.filters_per_mapping_quota]
}

# Six filters by default: one error from the quota rule (there is no second
# check on var.filters that would repeat it).
run "six_filters_by_default" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [for i in range(6) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
  }
  expect_failures = [output.mapping]
  assert {
    condition     = length(output.problems) == 1 && startswith(output.problems[0], "The mapping would get 6 filter patterns")
    error_message = "Exactly one error for six filters: ${jsonencode(output.problems)}"
  }
}

# One mistake, one error: a malformed condition among too many filters reports
# the condition only (the count is judged once the filters are valid).
run "malformed_condition_reported_alone" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = concat(
      [for i in range(5) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }],
      [{ keys = { id = { type = "S", equals = ["a"], prefix = "a" } } }],
    )
  }
  expect_failures = [output.mapping]
  assert {
    condition = output.problems == [
      "filters[5].keys.id sets equals and prefix: set exactly one of equals, anything_but, prefix, suffix, equals_ignore_case, exists. To allow several values use a list in equals; to AND conditions use separate attributes; to OR whole conditions use separate filters.",
    ]
    error_message = "Only the malformed condition may be reported: ${jsonencode(output.problems)}"
  }
}

# The mapping module accepts what esm-settings allows with the quota raised.
run "settings_with_ten_patterns" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters_per_mapping_quota = 10
    filters                   = [for i in range(10) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
  }
}

run "mapping_takes_ten_patterns" {
  command = plan
  module {
    source = "./modules/event-source-mapping"
  }
  variables {
    settings         = run.settings_with_ten_patterns.mapping
    function_name    = "profiles"
    event_source_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this[0].filter_criteria[0].filter) == 10
    error_message = "All ten patterns must reach the mapping."
  }
}

# --- one error per mistake: a FIFO queue ARN --------------------------------------

# failure_queue_arn has a single validation whose message names the mistake, so
# a FIFO queue's ARN fails once, with the FIFO message (not also as "not an SQS
# queue ARN").
run "fifo_failure_queue_fails_once" {
  command = plan
  variables {
    create_failure_queue = false
    failure_queue_arn    = "arn:aws:sqs:eu-west-1:111111111111:failures.fifo"
  }
  expect_failures = [var.failure_queue_arn]
}

run "standard_failure_queue_passes" {
  command = plan
  variables {
    create_failure_queue = false
    failure_queue_arn    = "arn:aws:sqs:eu-west-1:111111111111:failures"
  }
  assert {
    condition     = output.failure_queue_arn == "arn:aws:sqs:eu-west-1:111111111111:failures"
    error_message = "A standard queue's ARN must be accepted."
  }
}
