output "role_arn" {
  description = "Role ARN, for the function's `role`."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "role_name" {
  description = "Role name."
  value       = try(aws_iam_role.this[0].name, null)
}

output "policy_json" {
  description = "The inline policy JSON, as attached to the role (module statements, then policy_statements)."
  value       = try(aws_iam_role_policy.this[0].policy, null)
}

output "assume_role_policy_json" {
  description = "The role's trust policy JSON, as set on the role (lambda.amazonaws.com may assume it)."
  value       = try(aws_iam_role.this[0].assume_role_policy, null)
}

output "policy_statements" {
  description = "The statements the module grants (sid, actions, resources), before the caller's policy_statements: the exact scope, for review and tests."
  value       = local.statements
}

output "policy_id" {
  description = "ID of the inline policy (role:policy); depend on it so the mapping is created only once the role may read the stream."
  value       = try(aws_iam_role_policy.this[0].id, null)
}

output "policy_document_json" {
  description = "The inline policy JSON the module builds, known even with create = false: with a role of your own (the root's create_role = false), this is exactly what that role must allow."
  value       = local.policy
}

output "assume_role_policy_document_json" {
  description = "The trust policy JSON the module builds (only lambda.amazonaws.com may assume the role), known even with create = false."
  value       = local.assume_role_policy
}
