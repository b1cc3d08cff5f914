output "topic_arn" {
  description = "Topic ARN: the mapping's on-failure destination."
  value       = try(aws_sns_topic.this[0].arn, null)
}

output "topic_name" {
  description = "Topic name."
  value       = try(aws_sns_topic.this[0].name, null)
}

output "kms_master_key_id" {
  description = "The key encrypting the topic as set on it: the customer key given, or alias/aws/sns."
  value       = try(aws_sns_topic.this[0].kms_master_key_id, null)
}

output "alarm_arn" {
  description = "ARN of the published-messages alarm (null when not created)."
  value       = try(aws_cloudwatch_metric_alarm.published_messages[0].arn, null)
}

output "alarm_name" {
  description = "Name of the published-messages alarm."
  value       = try(aws_cloudwatch_metric_alarm.published_messages[0].alarm_name, null)
}
