output "topic_arn" {
  description = "Topic ARN (the handler's STREAM_HANDLER_NOTIFICATION_TOPIC_ARN)."
  value       = try(aws_sns_topic.this[0].arn, null)
}

output "topic_name" {
  description = "Topic name."
  value       = try(aws_sns_topic.this[0].name, null)
}
