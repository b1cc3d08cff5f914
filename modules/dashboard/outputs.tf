output "dashboard_name" {
  description = "Dashboard name."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "dashboard_arn" {
  description = "Dashboard ARN."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_arn, null)
}

output "dashboard_body" {
  description = "The dashboard body JSON, as set on the dashboard."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_body, null)
}
