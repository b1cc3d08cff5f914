locals {
  # Validated and rendered by modules/esm-settings (its `mapping` output), the
  # same code the local poller applies, so both read one truth.
  mapping         = var.settings
  filter_patterns = [for f in var.settings.FilterCriteria.Filters : f.Pattern]
}

resource "aws_lambda_event_source_mapping" "this" {
  count = var.create ? 1 : 0

  function_name    = var.function_name
  event_source_arn = var.event_source_arn
  enabled          = var.enabled

  starting_position                  = local.mapping.StartingPosition
  batch_size                         = local.mapping.BatchSize
  maximum_batching_window_in_seconds = local.mapping.MaximumBatchingWindowInSeconds
  parallelization_factor             = local.mapping.ParallelizationFactor
  bisect_batch_on_function_error     = local.mapping.BisectBatchOnFunctionError
  maximum_retry_attempts             = local.mapping.MaximumRetryAttempts
  maximum_record_age_in_seconds      = local.mapping.MaximumRecordAgeInSeconds
  tumbling_window_in_seconds         = local.mapping.TumblingWindowInSeconds
  function_response_types            = local.mapping.FunctionResponseTypes
  kms_key_arn                        = var.kms_key_arn

  dynamic "filter_criteria" {
    for_each = length(local.filter_patterns) > 0 ? [local.filter_patterns] : []
    content {
      dynamic "filter" {
        for_each = filter_criteria.value
        content {
          pattern = filter.value
        }
      }
    }
  }

  dynamic "destination_config" {
    for_each = var.on_failure_destination_arn == null ? [] : [var.on_failure_destination_arn]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  dynamic "metrics_config" {
    for_each = length(local.mapping.MetricsConfig.Metrics) > 0 ? [local.mapping.MetricsConfig.Metrics] : []
    content {
      metrics = metrics_config.value
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !var.check_required_inputs || (var.function_name != null && var.event_source_arn != null)
      error_message = "The mapping needs function_name and event_source_arn (the stream ARN)."
    }
  }
}
