output "queue_arn" {
  description = "Queue ARN: the mapping's on-failure destination."
  value       = try(aws_sqs_queue.this[0].arn, null)
}

output "queue_url" {
  description = "Queue URL, for reading and redriving failure records."
  value       = try(aws_sqs_queue.this[0].url, null)
}

output "queue_name" {
  description = "Queue name."
  value       = try(aws_sqs_queue.this[0].name, null)
}

output "kms_master_key_id" {
  description = "The customer-managed key encrypting the queue, or null for SSE-SQS."
  value       = var.kms_master_key_id
}

output "alarm_arn" {
  description = "ARN of the visible-messages alarm (null when not created)."
  value       = try(aws_cloudwatch_metric_alarm.visible_messages[0].arn, null)
}

output "alarm_name" {
  description = "Name of the visible-messages alarm."
  value       = try(aws_cloudwatch_metric_alarm.visible_messages[0].alarm_name, null)
}
