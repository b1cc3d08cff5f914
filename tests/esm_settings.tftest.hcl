# modules/esm-settings on its own (provider-free): the exact filter JSON each
# plain-terms condition renders to, the mapping object the local poller
# reads, and every validation rule, including the cross-variable ones that
# only this module can report (as preconditions of output "mapping").

run "defaults_render_the_design_contract" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }

  assert {
    condition = jsonencode(output.mapping) == jsonencode({
      BatchSize                      = 100
      BisectBatchOnFunctionError     = true
      FilterCriteria                 = { Filters = [{ Pattern = "{\"eventName\":[\"INSERT\"]}" }] }
      FunctionResponseTypes          = ["ReportBatchItemFailures"]
      MaximumBatchingWindowInSeconds = 0
      MaximumRecordAgeInSeconds      = 3600
      MaximumRetryAttempts           = 3
      MetricsConfig                  = { Metrics = [] }
      ParallelizationFactor          = 1
      StartingPosition               = "TRIM_HORIZON"
      TumblingWindowInSeconds        = 0
    })
    error_message = "The default mapping must equal the docs/DESIGN.md example."
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "Default pattern must be insert-only."
  }
}

run "every_operator_renders_exactly" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    event_names = ["INSERT", "MODIFY"]
    filters = [
      {
        new_image = {
          status  = { type = "S", equals = ["NEW"] }
          country = { type = "S", anything_but = ["XX", "YY"] }
          email   = { type = "S", suffix = "@example.com" }
          tier    = { type = "S", equals_ignore_case = "gold" }
          score   = { type = "N", equals = ["42"] }
          active  = { type = "BOOL", equals = ["true"] }
          deleted = { type = "BOOL", exists = false }
        }
      },
      {
        event_names = ["MODIFY"]
        old_image   = { status = { type = "S", equals = ["NEW"] } }
        new_image   = { status = { type = "S", equals = ["ACTIVE"] } }
      },
      {
        keys = { pk = { type = "S", prefix = "USER#" }, sk = { type = "N", exists = true } }
      },
    ]
  }

  assert {
    condition     = output.filter_patterns[0] == "{\"dynamodb\":{\"NewImage\":{\"active\":{\"BOOL\":[true]},\"country\":{\"S\":[{\"anything-but\":[\"XX\",\"YY\"]}]},\"deleted\":{\"BOOL\":[{\"exists\":false}]},\"email\":{\"S\":[{\"suffix\":\"@example.com\"}]},\"score\":{\"N\":[\"42\"]},\"status\":{\"S\":[\"NEW\"]},\"tier\":{\"S\":[{\"equals-ignore-case\":\"gold\"}]}}},\"eventName\":[\"INSERT\",\"MODIFY\"]}"
    error_message = "NewImage conditions rendered wrongly: ${output.filter_patterns[0]}"
  }

  assert {
    condition     = output.filter_patterns[1] == "{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"ACTIVE\"]}},\"OldImage\":{\"status\":{\"S\":[\"NEW\"]}}},\"eventName\":[\"MODIFY\"]}"
    error_message = "A status transition (old NEW -> new ACTIVE, MODIFY only) rendered wrongly: ${output.filter_patterns[1]}"
  }

  assert {
    condition     = output.filter_patterns[2] == "{\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"USER#\"}]},\"sk\":{\"N\":[{\"exists\":true}]}}},\"eventName\":[\"INSERT\",\"MODIFY\"]}"
    error_message = "Key conditions rendered wrongly: ${output.filter_patterns[2]}"
  }

  assert {
    condition     = length(output.mapping.FilterCriteria.Filters) == 3 && output.mapping.FilterCriteria.Filters[1].Pattern == output.filter_patterns[1]
    error_message = "mapping.FilterCriteria must carry the same patterns in order."
  }
}

run "raw_patterns_replace_the_default_and_follow_rendered_ones" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["{\"eventName\":[\"REMOVE\"],\"userIdentity\":{\"type\":[\"Service\"]}}"]
  }

  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"REMOVE\"],\"userIdentity\":{\"type\":[\"Service\"]}}"]
    error_message = "Raw patterns alone must be passed verbatim, without the eventName-only default (which would widen them)."
  }
}

run "raw_patterns_after_filters" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters             = [{ new_image = { status = { type = "S", equals = ["NEW"] } } }]
    raw_filter_patterns = ["{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"VIP\"]}}}}"]
  }

  assert {
    condition = output.filter_patterns == [
      "{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"NEW\"]}}},\"eventName\":[\"INSERT\"]}",
      "{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[\"VIP\"]}}}}",
    ]
    error_message = "Rendered patterns come first, raw ones follow unchanged."
  }
}

run "tuned_settings_and_metrics" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    batch_size                         = 10000
    maximum_batching_window_in_seconds = 300
    starting_position                  = "LATEST"
    parallelization_factor             = 10
    bisect_batch_on_function_error     = false
    maximum_retry_attempts             = 10000
    maximum_record_age_in_seconds      = 604800
    tumbling_window_in_seconds         = 900
    report_batch_item_failures         = false
    mapping_metrics                    = ["EventCount"]
  }

  assert {
    condition = jsonencode(output.mapping) == jsonencode({
      BatchSize                      = 10000
      BisectBatchOnFunctionError     = false
      FilterCriteria                 = { Filters = [{ Pattern = "{\"eventName\":[\"INSERT\"]}" }] }
      FunctionResponseTypes          = []
      MaximumBatchingWindowInSeconds = 300
      MaximumRecordAgeInSeconds      = 604800
      MaximumRetryAttempts           = 10000
      MetricsConfig                  = { Metrics = ["EventCount"] }
      ParallelizationFactor          = 10
      StartingPosition               = "LATEST"
      TumblingWindowInSeconds        = 900
    })
    error_message = "Upper bounds must be accepted and passed through unchanged."
  }
}

# --- cross-variable rules (output preconditions) ---------------------------

run "keys_only_stream_with_new_image_condition" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    stream_view_type = "KEYS_ONLY"
    filters          = [{ new_image = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters put conditions on new_image, but stream_view_type KEYS_ONLY records carry no NewImage, so the filter would never match. Use NEW_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "old_image_stream_with_new_image_condition" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    stream_view_type = "OLD_IMAGE"
    filters          = [{ new_image = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters put conditions on new_image, but stream_view_type OLD_IMAGE records carry no NewImage, so the filter would never match. Use NEW_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "new_image_stream_with_old_image_condition" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    stream_view_type = "NEW_IMAGE"
    filters          = [{ old_image = { status = { type = "S", equals = ["NEW"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters put conditions on old_image, but stream_view_type NEW_IMAGE records carry no OldImage, so the filter would never match. Use OLD_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "keys_only_stream_with_key_condition_is_fine" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    stream_view_type = "KEYS_ONLY"
    filters          = [{ keys = { id = { type = "S", prefix = "a" } } }]
  }
  assert {
    condition     = output.filter_patterns == ["{\"dynamodb\":{\"Keys\":{\"id\":{\"S\":[{\"prefix\":\"a\"}]}}},\"eventName\":[\"INSERT\"]}"]
    error_message = "Keys are in every stream record, so key conditions work on KEYS_ONLY."
  }
}

run "more_than_five_patterns_with_raw_ones" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters             = [for i in range(3) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
    raw_filter_patterns = [for i in range(3) : jsonencode({ eventName = ["INSERT"], dynamodb = { Keys = { id = { S = ["raw-${i}"] } } } })]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "The mapping would get 6 filter patterns (filters plus raw_filter_patterns), more than filters_per_mapping_quota (5). Lambda's quota \"Filters per event source mapping\" is 5 by default and at most 10 after a quota increase: merge conditions (equals takes a list of alternatives), or request the increase and set filters_per_mapping_quota to the granted value.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "pattern_of_4097_characters" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    # 65 characters of structure + 4032 of value = 4097, one over the limit.
    filters = [{ new_image = { s = { type = "S", equals = [replace(format("%4032s", ""), " ", "x")] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition     = length(output.problems) == 1 && startswith(output.problems[0], "A rendered filter pattern is longer than 4096 characters, Lambda's limit per pattern: shorten its value lists or split it into several filters. Offending pattern starts: {\"dynamodb\":{\"NewImage\":{\"s\":{\"S\":[\"xxx")
    error_message = "Exactly the length rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "pattern_of_exactly_4096_characters" {
  command = apply
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { s = { type = "S", equals = [replace(format("%4031s", ""), " ", "x")] } } }]
  }
  assert {
    condition     = length(output.filter_patterns[0]) == 4096
    error_message = "A pattern of exactly 4096 characters must be accepted (got length ${length(output.filter_patterns[0])})."
  }
}

run "filter_event_names_outside_event_names" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ event_names = ["REMOVE"], keys = { id = { type = "S", equals = ["a"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[*].event_names contains REMOVE, which is not in event_names (INSERT); a filter can only narrow event_names. Add it to event_names or remove it from the filter.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

# --- rules on the values inside filters (output mapping's precondition; the
# exact output.problems proves which rule fired, and that it fired once) ------

run "condition_with_two_operators" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S", equals = ["NEW"], prefix = "N" } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.status sets equals and prefix: set exactly one of equals, anything_but, prefix, suffix, equals_ignore_case, exists. To allow several values use a list in equals; to AND conditions use separate attributes; to OR whole conditions use separate filters.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "condition_without_operator" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S" } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.status sets no operator: set exactly one of equals, anything_but, prefix, suffix, equals_ignore_case, exists. To allow several values use a list in equals; to AND conditions use separate attributes; to OR whole conditions use separate filters.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "condition_with_unknown_type" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "STRING", equals = ["NEW"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.status: type must be S, N, B or BOOL, the DynamoDB type the attribute is stored with.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "prefix_on_a_number" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { age = { type = "N", prefix = "4" } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.age: prefix only applies to string (type = \"S\") attributes.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "bool_with_a_non_boolean_value" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { active = { type = "BOOL", equals = ["yes"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.active: a BOOL condition takes equals = [\"true\"] or [\"false\"] (or exists); anything_but is not offered for BOOL.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "empty_equals_list" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { status = { type = "S", equals = [] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.status: equals needs a non-empty list of values, e.g. equals = [\"NEW\"].",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "filter_with_unknown_event_name" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ event_names = ["UPSERT"], keys = { id = { type = "S", equals = ["a"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].event_names must be null (use event_names) or a non-empty list drawn from INSERT, MODIFY and REMOVE; an empty list would render a pattern that matches nothing.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "six_filters" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [for i in range(6) : { keys = { id = { type = "S", equals = ["id-${i}"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "The mapping would get 6 filter patterns (filters plus raw_filter_patterns), more than filters_per_mapping_quota (5). Lambda's quota \"Filters per event source mapping\" is 5 by default and at most 10 after a quota increase: merge conditions (equals takes a list of alternatives), or request the increase and set filters_per_mapping_quota to the granted value.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "duplicate_event_names" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    event_names = ["INSERT", "INSERT"]
  }
  expect_failures = [var.event_names]
}

run "empty_event_names" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    event_names = []
  }
  expect_failures = [var.event_names]
}

run "raw_pattern_json_array" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    raw_filter_patterns = ["[{\"eventName\":[\"INSERT\"]}]"]
  }
  expect_failures = [var.raw_filter_patterns]
}

run "unknown_stream_view_type" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    stream_view_type = "NEW_AND_OLD"
  }
  expect_failures = [var.stream_view_type]
}

run "fractional_batch_size" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    batch_size = 10.5
  }
  expect_failures = [var.batch_size]
}

run "filter_with_empty_event_names" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ event_names = [], keys = { id = { type = "S", equals = ["a"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].event_names must be null (use event_names) or a non-empty list drawn from INSERT, MODIFY and REMOVE; an empty list would render a pattern that matches nothing.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "number_condition_with_a_non_number" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters = [{ new_image = { age = { type = "N", equals = ["forty-two"] } } }]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "filters[0].new_image.age: an N condition takes numbers written as strings, e.g. equals = [\"42\"]. Stream records carry numbers as text, so the match is textual: write the number as DynamoDB returns it (\"42\", not \"42.0\").",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}

run "duplicate_patterns" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }
  variables {
    filters             = [{ keys = { id = { type = "S", equals = ["a"] } } }]
    raw_filter_patterns = ["{\"dynamodb\":{\"Keys\":{\"id\":{\"S\":[\"a\"]}}},\"eventName\":[\"INSERT\"]}"]
  }
  expect_failures = [output.mapping]

  assert {
    condition = output.problems == [
      "Two filter patterns are identical (filters and raw_filter_patterns render the same JSON); the mapping keeps a set of patterns, so remove the duplicate.",
    ]
    error_message = "Exactly this rule must fire, once: ${jsonencode(output.problems)}"
  }
}
