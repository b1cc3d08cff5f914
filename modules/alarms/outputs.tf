locals {
  alarms = {
    iterator_age_warning          = try(aws_cloudwatch_metric_alarm.iterator_age_warning[0], null)
    iterator_age_critical         = try(aws_cloudwatch_metric_alarm.iterator_age_critical[0], null)
    errors                        = try(aws_cloudwatch_metric_alarm.errors[0], null)
    throttles                     = try(aws_cloudwatch_metric_alarm.throttles[0], null)
    destination_delivery_failures = try(aws_cloudwatch_metric_alarm.destination_delivery_failures[0], null)
    on_failure_deliveries         = try(aws_cloudwatch_metric_alarm.on_failure_deliveries[0], null)
  }
}

output "alarms" {
  description = "Each created alarm as set on it (name, namespace, metric_name, statistic, dimensions, period, evaluation_periods, threshold, comparison_operator, treat_missing_data, alarm_actions), by alarm: for review and tests."
  value = { for key, alarm in local.alarms : key => {
    name                = alarm.alarm_name
    namespace           = alarm.namespace
    metric_name         = alarm.metric_name
    statistic           = alarm.statistic
    dimensions          = alarm.dimensions
    period              = alarm.period
    evaluation_periods  = alarm.evaluation_periods
    threshold           = alarm.threshold
    comparison_operator = alarm.comparison_operator
    treat_missing_data  = alarm.treat_missing_data
    alarm_actions       = alarm.alarm_actions
    ok_actions          = alarm.ok_actions
  } if alarm != null }
}

output "alarm_arns" {
  description = "ARNs of the created alarms, by alarm (iterator_age_warning, iterator_age_critical, errors, throttles, destination_delivery_failures, on_failure_deliveries)."
  value       = { for key, alarm in local.alarms : key => alarm.arn if alarm != null }
}

output "alarm_names" {
  description = "Names of the created alarms, by alarm."
  value       = { for key, alarm in local.alarms : key => alarm.alarm_name if alarm != null }
}

output "record_age_limit_seconds" {
  description = "Age at which records leave the stream's reach: min(maximum_record_age_in_seconds, 86400)."
  value       = local.record_age_limit_seconds
}

output "iterator_age_warning_seconds" {
  description = "Iterator age of the warning alarm, in seconds."
  value       = local.iterator_age_warning_seconds
}

output "iterator_age_critical_seconds" {
  description = "Iterator age of the critical alarm, in seconds."
  value       = local.iterator_age_critical_seconds
}
