output "mapping" {
  description = "The event source mapping settings under the Lambda API's names (BatchSize, FilterCriteria, ...), as the local poller reads them with `terraform output -json mapping`."
  value = {
    BatchSize                      = var.batch_size
    MaximumBatchingWindowInSeconds = var.maximum_batching_window_in_seconds
    StartingPosition               = var.starting_position
    ParallelizationFactor          = var.parallelization_factor
    BisectBatchOnFunctionError     = var.bisect_batch_on_function_error
    MaximumRetryAttempts           = var.maximum_retry_attempts
    MaximumRecordAgeInSeconds      = var.maximum_record_age_in_seconds
    TumblingWindowInSeconds        = var.tumbling_window_in_seconds
    FunctionResponseTypes          = local.function_response_types
    FilterCriteria                 = { Filters = [for p in local.filter_patterns : { Pattern = p }] }
    MetricsConfig                  = { Metrics = var.mapping_metrics }
  }

  # Cross-variable rules live here (variable validations may only refer to
  # their own variable before Terraform 1.9); outputs are checked at plan time.
  precondition {
    condition     = length(local.filter_patterns) <= 5
    error_message = "The mapping would get ${length(local.filter_patterns)} filter patterns (filters plus raw_filter_patterns); Lambda accepts at most 5. Merge conditions or drop some."
  }

  precondition {
    condition     = length(distinct(local.filter_patterns)) == length(local.filter_patterns)
    error_message = "Two filter patterns are identical (filters and raw_filter_patterns render the same JSON); the mapping keeps a set of patterns, so remove the duplicate."
  }

  precondition {
    condition     = length(local.oversized_patterns) == 0
    error_message = "A rendered filter pattern is longer than 4096 characters, Lambda's limit per pattern: shorten its value lists or split it into several filters. Offending pattern starts: ${substr(join(" | ", local.oversized_patterns), 0, 200)}"
  }

  precondition {
    condition     = !(local.uses_new_image && contains(["KEYS_ONLY", "OLD_IMAGE"], var.stream_view_type))
    error_message = "filters put conditions on new_image, but stream_view_type ${var.stream_view_type} records carry no NewImage, so the filter would never match. Use NEW_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only."
  }

  precondition {
    condition     = !(local.uses_old_image && contains(["KEYS_ONLY", "NEW_IMAGE"], var.stream_view_type))
    error_message = "filters put conditions on old_image, but stream_view_type ${var.stream_view_type} records carry no OldImage, so the filter would never match. Use OLD_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only."
  }

  precondition {
    condition     = length(local.filter_event_names_outside) == 0
    error_message = "filters[*].event_names contains ${join(", ", local.filter_event_names_outside)}, which is not in event_names (${join(", ", var.event_names)}); a filter can only narrow event_names. Add it to event_names or remove it from the filter."
  }
}

output "filter_patterns" {
  description = "The exact filter pattern JSON strings, in order: rendered from `filters` (or the eventName-only default), then `raw_filter_patterns`."
  value       = local.filter_patterns
}

output "function_response_types" {
  description = "function_response_types for aws_lambda_event_source_mapping: [\"ReportBatchItemFailures\"] or []."
  value       = local.function_response_types
}

output "event_names" {
  description = "The event names the mapping passes (input echoed for wiring the handler's allowed event names)."
  value       = var.event_names
}
