# The function's versions and alias, the mapping's state, and the policy a
# role of your own must grant (create_role = false).

output "function_qualified_arn" {
  description = "ARN of the version the last apply published (<function ARN>:<version>)."
  value       = module.lambda_function.function_qualified_arn
}

output "function_version" {
  description = "The version the last apply published."
  value       = module.lambda_function.function_version
}

output "function_alias_name" {
  description = "Name of the alias the event source mapping invokes."
  value       = module.lambda_function.alias_name
}

output "function_alias_arn" {
  description = "ARN of the alias the event source mapping invokes (<function ARN>:<alias>)."
  value       = module.lambda_function.alias_arn
}

output "function_alias_version" {
  description = "The version the alias points to: the latest published, or alias_function_version."
  value       = module.lambda_function.alias_function_version
}

output "function_layers" {
  description = "Layer ARNs on the function (the Powertools layer first, when powertools_layer_version is set)."
  value       = module.lambda_function.layers
}

output "log_group_arn" {
  description = "ARN of the function's log group (created, or adopted with create_log_group = false)."
  value       = module.lambda_function.log_group_arn
}

output "event_source_mapping_state" {
  description = "State of the event source mapping (Enabled, Disabled, Creating, ...), as AWS reports it."
  value       = module.event_source_mapping.state
}

output "event_source_mapping_function_arn" {
  description = "The function ARN the mapping invokes, as AWS reports it (the alias ARN)."
  value       = module.event_source_mapping.function_arn
}

output "event_source_mapping_kms_key_arn" {
  description = "KMS key encrypting the mapping's filter criteria (event_source_mapping_kms_key_arn), or null."
  value       = module.event_source_mapping.kms_key_arn
}

output "role_policy_json" {
  description = "The inline policy the module attaches to the role it creates; with create_role = false, what your role_arn must allow (computed all the same)."
  value       = module.execution_role.policy_document_json
}

output "role_trust_policy_json" {
  description = "The role's trust policy: only lambda.amazonaws.com may assume it (what a role of your own must trust)."
  value       = module.execution_role.assume_role_policy_document_json
}
