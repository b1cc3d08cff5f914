# Every metric below is one AWS Lambda publishes to CloudWatch in the AWS/Lambda
# namespace (Lambda Developer Guide, "Types of metrics for Lambda functions";
# dimensions as in "Viewing metrics for Lambda functions": FunctionName, and
# EventSourceMappingUUID for event source mapping metrics).
locals {
  # DynamoDB Streams keep a record 24 hours. A record older than the mapping's
  # MaximumRecordAgeInSeconds is sent to the on-failure destination; one older
  # than the retention is gone. Whichever comes first is the limit to watch.
  stream_retention_seconds = 86400
  record_age_limit_seconds = var.maximum_record_age_in_seconds == -1 ? local.stream_retention_seconds : min(var.maximum_record_age_in_seconds, local.stream_retention_seconds)

  # Defaults: warn at 1 hour, or at half the limit when that is sooner; the
  # critical alarm fires at 80% of the limit, while records can still be saved.
  iterator_age_warning_seconds  = coalesce(var.iterator_age_warning_seconds, min(3600, floor(local.record_age_limit_seconds / 2)))
  iterator_age_critical_seconds = coalesce(var.iterator_age_critical_seconds, floor(local.record_age_limit_seconds * 0.8))

  function_dimensions = { FunctionName = var.function_name }

  # The mapping's event counts exist only with metrics_config EventCount.
  create_on_failure_deliveries = var.create && var.create_on_failure_deliveries_alarm && var.event_count_metrics_enabled
}

# IteratorAge: for DynamoDB streams, the age in milliseconds of the last record
# in the batch, from the stream receiving it to the mapping sending it to the
# function. Maximum: the oldest shard decides when records are lost.
resource "aws_cloudwatch_metric_alarm" "iterator_age_warning" {
  count = var.create && var.create_iterator_age_warning_alarm ? 1 : 0

  alarm_name          = "${var.name}-iterator-age-warning"
  alarm_description   = "The mapping of ${var.function_name} is ${local.iterator_age_warning_seconds} s or more behind its stream (records are given up at ${local.record_age_limit_seconds} s): check the function's errors, throttles and duration."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  statistic           = "Maximum"
  dimensions          = local.function_dimensions
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = local.iterator_age_warning_seconds * 1000
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # Lambda reports IteratorAge only with invocations: no data is an idle
  # stream (a mapping that cannot invoke shows in the throttles alarm).
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.ok_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.iterator_age_warning_seconds < local.iterator_age_critical_seconds
      error_message = "The iterator age warning (${local.iterator_age_warning_seconds} s) must be below the critical threshold (${local.iterator_age_critical_seconds} s): lower iterator_age_warning_seconds or raise iterator_age_critical_seconds."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "iterator_age_critical" {
  count = var.create && var.create_iterator_age_critical_alarm ? 1 : 0

  alarm_name          = "${var.name}-iterator-age-critical"
  alarm_description   = "The mapping of ${var.function_name} is ${local.iterator_age_critical_seconds} s or more behind its stream: at ${local.record_age_limit_seconds} s records are given up (maximum_record_age_in_seconds) or trimmed from the stream (24 h). Act now."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  statistic           = "Maximum"
  dimensions          = local.function_dimensions
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = local.iterator_age_critical_seconds * 1000
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.ok_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.iterator_age_critical_seconds < local.record_age_limit_seconds
      error_message = "The iterator age critical threshold (${local.iterator_age_critical_seconds} s) is not below the record age limit (${local.record_age_limit_seconds} s: maximum_record_age_in_seconds, or the 24 h retention), so it would fire only after records are gone: lower iterator_age_critical_seconds."
    }
  }
}

# Errors: invocations that ended in a function error (an exception or a
# timeout). A batch item failure reported in the response is not one.
resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.create && var.create_errors_alarm ? 1 : 0

  alarm_name          = "${var.name}-errors"
  alarm_description   = "${var.function_name} failed whole batches (raised, timed out or crashed); the mapping retries them and then gives them up to the on-failure destination."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  dimensions          = local.function_dimensions
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.errors_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No invocations, no errors.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.ok_actions

  tags = var.tags
}

# Throttles: invocation requests rejected for want of concurrency; the mapping
# retries them while the records age.
resource "aws_cloudwatch_metric_alarm" "throttles" {
  count = var.create && var.create_throttles_alarm ? 1 : 0

  alarm_name          = "${var.name}-throttles"
  alarm_description   = "Invocations of ${var.function_name} are throttled (reserved or account concurrency): the stream falls behind while the mapping retries."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  statistic           = "Sum"
  dimensions          = local.function_dimensions
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.throttles_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.ok_actions

  tags = var.tags
}

# DestinationDeliveryFailures: for stream event source mappings too (DynamoDB
# and Kinesis), the times Lambda could not send to the destination (permissions,
# a misconfigured or FIFO destination, size limits). Those records are lost:
# Lambda counts them as DroppedEventCount instead.
resource "aws_cloudwatch_metric_alarm" "destination_delivery_failures" {
  count = var.create && var.create_destination_delivery_failures_alarm ? 1 : 0

  alarm_name          = "${var.name}-destination-delivery-failures"
  alarm_description   = "Lambda could not deliver given-up batches of ${var.function_name} to the on-failure destination: those records are lost. Check the role's permissions, the destination and its key policy."
  namespace           = "AWS/Lambda"
  metric_name         = "DestinationDeliveryFailures"
  statistic           = "Sum"
  dimensions          = local.function_dimensions
  period              = var.period_seconds
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.ok_actions

  tags = var.tags
}

# OnFailureDestinationDeliveredEventCount (EventCount metrics group; Kinesis and
# DynamoDB streams): records the mapping sent to its on-failure destination.
# The queue and topic destinations have alarms of their own; this one is for a
# bucket, which has no depth to watch.
resource "aws_cloudwatch_metric_alarm" "on_failure_deliveries" {
  count = local.create_on_failure_deliveries ? 1 : 0

  alarm_name          = "${var.name}-on-failure-deliveries"
  alarm_description   = "The mapping of ${var.function_name} gave up on stream records and sent them to its on-failure destination: inspect and redrive them."
  namespace           = "AWS/Lambda"
  metric_name         = "OnFailureDestinationDeliveredEventCount"
  statistic           = "Sum"
  dimensions          = { EventSourceMappingUUID = var.event_source_mapping_uuid }
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.on_failure_deliveries_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # Lambda emits the metric only when it sends something.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.ok_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.event_source_mapping_uuid != null
      error_message = "The on-failure deliveries alarm needs event_source_mapping_uuid (the mapping's UUID dimension)."
    }
  }
}
