output "topic_arn" {
  description = "Topic ARN: pass it as an alarm (and OK) action; subscribe on-call endpoints to it."
  value       = try(aws_sns_topic.this[0].arn, null)
}

output "topic_name" {
  description = "Topic name."
  value       = try(aws_sns_topic.this[0].name, null)
}

output "kms_key_arn" {
  description = "ARN of the key encrypting the topic (created or given), or null when unencrypted."
  value       = var.create ? local.kms_key_arn : null
}

output "kms_key_policy_json" {
  description = "The created key's policy JSON, as set on the key (null when no key is created)."
  value       = try(aws_kms_key.this[0].policy, null)
}

output "topic_policy_json" {
  description = "The topic policy JSON, as set on the topic."
  value       = try(aws_sns_topic_policy.this[0].policy, null)
}
