resource "aws_sns_topic" "this" {
  count = var.create ? 1 : 0

  # A standard topic: Lambda cannot send on-failure records to a FIFO topic
  # (the name validation rejects .fifo; fifo_topic is never set).
  name = var.name

  # Always encrypted at rest: with the caller's customer managed key, else with
  # the AWS managed key, which admits any principal of the account that
  # publishes through SNS (the mapping publishes with the function's role).
  kms_master_key_id = coalesce(var.kms_master_key_id, "alias/aws/sns")

  tags = var.tags
}

# SNS publishes topic metrics every 5 minutes (AWS/SNS, dimension TopicName;
# Amazon SNS Developer Guide, "Monitoring Amazon SNS topics using CloudWatch"):
# NumberOfMessagesPublished (Sum) counts the on-failure records the mapping
# published here, that is batches given up on.
resource "aws_cloudwatch_metric_alarm" "published_messages" {
  count = var.create && var.create_alarm ? 1 : 0

  alarm_name          = "${var.name}-published-messages"
  alarm_description   = "The mapping gave up on stream records and published their on-failure records to ${var.name}: inspect and redrive them from a subscribed queue."
  namespace           = "AWS/SNS"
  metric_name         = "NumberOfMessagesPublished"
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  threshold           = var.alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No datapoint means nothing was published: not a failure.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.ok_actions

  dimensions = {
    TopicName = aws_sns_topic.this[0].name
  }

  tags = var.tags
}
