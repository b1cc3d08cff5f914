resource "aws_sqs_queue" "this" {
  count = var.create ? 1 : 0

  name                       = var.name
  message_retention_seconds  = var.message_retention_seconds
  visibility_timeout_seconds = var.visibility_timeout_seconds

  # Failure records hold item images: encrypted either way, with SQS-managed
  # keys unless the caller brings a KMS key.
  sqs_managed_sse_enabled           = var.kms_master_key_id == null ? true : null
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = var.kms_master_key_id == null ? null : var.kms_data_key_reuse_period_seconds

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "visible_messages" {
  count = var.create && var.create_alarm ? 1 : 0

  alarm_name          = "${var.name}-visible-messages"
  alarm_description   = "Stream records that the function could not process are waiting in ${var.name}: inspect and redrive them."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = var.alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.ok_actions

  dimensions = {
    QueueName = aws_sqs_queue.this[0].name
  }

  tags = var.tags
}
