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

  # Every rule that spans inputs or reads values inside `filters` and
  # `raw_filter_patterns` (variable validations may only refer to their own
  # variable before Terraform 1.9): one precondition, one message per broken
  # rule, listed in output `problems` too.
  precondition {
    condition     = length(local.problems) == 0
    error_message = join("\n", local.problems)
  }
}

output "problems" {
  description = "What is wrong with the inputs, one message per broken rule (empty when the mapping is valid): exactly what output mapping's precondition reports at plan time. Read it in tests to assert which rule fired."
  value       = local.problems
}

output "raw_filter_pattern_findings" {
  description = "What the never-matches checks found in raw_filter_patterns, including the findings a pattern's skip_checks waives: index (in raw_filter_patterns), check, path (in the pattern), message, skipped."
  value       = local.raw_filter_pattern_findings
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
