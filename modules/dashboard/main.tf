data "aws_region" "this" {
  count = var.create ? 1 : 0
}

locals {
  region = try(data.aws_region.this[0].region, "")
  fn     = ["FunctionName", var.function_name]

  # Metric names, namespaces, statistics and dimensions as the alarms use them
  # (modules/alarms): AWS/Lambda function metrics by FunctionName, the mapping's
  # EventCount metrics by EventSourceMappingUUID, the handler's EMF metrics in
  # its Powertools namespace by the `service` dimension Powertools adds.
  destination_metrics = {
    # AWS/SQS by QueueName: records waiting, and how long the oldest has.
    sqs = [
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", coalesce(var.destination_name, "-"), { stat = "Maximum", label = "records waiting" }],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", coalesce(var.destination_name, "-"), { stat = "Maximum", label = "oldest (s)", yAxis = "right" }],
    ]
    # AWS/SNS by TopicName: on-failure records published.
    sns = [
      ["AWS/SNS", "NumberOfMessagesPublished", "TopicName", coalesce(var.destination_name, "-"), { stat = "Sum", label = "records published" }],
    ]
    # A bucket has no depth metric: the mapping's count of records sent to it.
    s3 = [
      ["AWS/Lambda", "OnFailureDestinationDeliveredEventCount", "EventSourceMappingUUID", coalesce(var.event_source_mapping_uuid, "-"), { stat = "Sum", label = "records parked" }],
    ]
  }

  widgets = concat(
    [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Iterator age (Maximum)"
          region  = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = [concat(["AWS/Lambda", "IteratorAge"], local.fn, [{ stat = "Maximum", label = "iterator age (ms)" }])]
          annotations = {
            horizontal = [
              { label = "warning", value = var.iterator_age_warning_seconds * 1000 },
              { label = "critical", value = var.iterator_age_critical_seconds * 1000 },
            ]
          }
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Invocations, errors, throttles (Sum)"
          region = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = [
            concat(["AWS/Lambda", "Invocations"], local.fn, [{ stat = "Sum" }]),
            concat(["AWS/Lambda", "Errors"], local.fn, [{ stat = "Sum" }]),
            concat(["AWS/Lambda", "Throttles"], local.fn, [{ stat = "Sum" }]),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Duration (ms)"
          region = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = [
            concat(["AWS/Lambda", "Duration"], local.fn, [{ stat = "Average" }]),
            concat(["AWS/Lambda", "Duration"], local.fn, [{ stat = "Maximum" }]),
          ]
          annotations = {
            horizontal = [{ label = "timeout", value = var.function_timeout_seconds * 1000 }]
          }
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title   = "Concurrent executions (Maximum)"
          region  = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = [concat(["AWS/Lambda", "ConcurrentExecutions"], local.fn, [{ stat = "Maximum" }])]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Handler records (Sum)"
          region = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = [for metric in ["RecordsProcessed", "RecordsSkipped", "RecordsDropped", "RecordsFailed"] :
            [var.metrics_namespace, metric, "service", var.service_name, { stat = "Sum" }]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "On-failure destination (${var.destination_type})"
          region = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
          metrics = concat(
            local.destination_metrics[var.destination_type],
            [concat(["AWS/Lambda", "DestinationDeliveryFailures"], local.fn, [{ stat = "Sum", label = "delivery failures (records lost)" }])],
          )
        }
      },
    ],
    var.event_count_metrics_enabled ? [{
      type = "metric", x = 0, y = 18, width = 24, height = 6
      properties = {
        title  = "Event source mapping events (Sum)"
        region = local.region, view = "timeSeries", stacked = false, period = var.period_seconds
        metrics = [for metric in ["PolledEventCount", "FilteredOutEventCount", "InvokedEventCount", "FailedInvokeEventCount", "DroppedEventCount", "OnFailureDestinationDeliveredEventCount"] :
          ["AWS/Lambda", metric, "EventSourceMappingUUID", coalesce(var.event_source_mapping_uuid, "-"), { stat = "Sum" }]
        ]
      }
    }] : [],
    length(var.alarm_arns) > 0 ? [{
      type = "alarm", x = 0, y = 24, width = 24, height = 3
      properties = {
        title  = "Alarms"
        alarms = var.alarm_arns
      }
    }] : [],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })

  lifecycle {
    precondition {
      condition     = var.function_name != null
      error_message = "The dashboard needs function_name."
    }
  }
}
