# Alarms, the alarm topic and the dashboard. Every alarm is compared whole, as
# set on it (module.alarms output `alarms`, jsonencode'd so sets and maps
# compare as JSON): metric, statistic, dimensions, threshold, period,
# treat_missing_data and actions. Thresholds are in the units CloudWatch gets
# (IteratorAge in milliseconds).

mock_provider "aws" {}

override_resource {
  target = module.stream_table.aws_dynamodb_table.this[0]
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
  }
}

override_resource {
  target = module.lambda_function.aws_cloudwatch_log_group.this[0]
  values = {
    arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
  }
}

override_resource {
  target = module.execution_role.aws_iam_role.this[0]
  values = {
    arn = "arn:aws:iam::111111111111:role/profiles"
  }
}

override_resource {
  target = module.failure_queue.aws_sqs_queue.this[0]
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
  }
}

override_resource {
  target = module.failure_topic.aws_sns_topic.this[0]
  values = {
    arn = "arn:aws:sns:eu-west-1:111111111111:profiles-failures"
  }
}

override_resource {
  target = module.failure_bucket.aws_s3_bucket.this[0]
  values = {
    arn = "arn:aws:s3:::profiles-failures"
    id  = "profiles-failures"
  }
}

override_resource {
  target = module.event_source_mapping.aws_lambda_event_source_mapping.this[0]
  values = {
    uuid = "a1b2c3d4-5678-90ab-cdef-111111111111"
  }
}

override_resource {
  target = module.alarm_topic.aws_sns_topic.this[0]
  values = {
    arn = "arn:aws:sns:eu-west-1:111111111111:profiles-alarms"
  }
}

override_resource {
  target = module.alarm_topic.aws_kms_key.this[0]
  values = {
    arn    = "arn:aws:kms:eu-west-1:111111111111:key/alarm-key"
    key_id = "alarm-key"
  }
}

override_data {
  target = module.alarm_topic.data.aws_caller_identity.this[0]
  values = {
    account_id = "111111111111"
  }
}

override_data {
  target = module.alarm_topic.data.aws_partition.this[0]
  values = {
    partition = "aws"
  }
}

override_data {
  target = module.alarm_topic.data.aws_region.this[0]
  values = {
    region = "eu-west-1"
  }
}

override_data {
  target = module.dashboard.data.aws_region.this[0]
  values = {
    region = "eu-west-1"
  }
}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

# Defaults: maximum_record_age_in_seconds 3600, so the limit is 1 h; warning at
# half of it (sooner than 1 h), critical at 80%.
run "alarm_defaults" {
  command = apply

  assert {
    condition     = output.iterator_age_alarm_thresholds_seconds == { warning = 1800, critical = 2880, limit = 3600 }
    error_message = "With maximum_record_age_in_seconds 3600: warning at 1800 s, critical at 2880 s."
  }

  assert {
    condition     = keys(module.alarms.alarms) == ["destination_delivery_failures", "errors", "iterator_age_critical", "iterator_age_warning", "throttles"]
    error_message = "SQS destination: the five Lambda alarms, no on-failure deliveries alarm (the queue has its own)."
  }

  assert {
    condition = jsonencode(module.alarms.alarms.iterator_age_warning) == jsonencode({
      name                = "profiles-iterator-age-warning"
      namespace           = "AWS/Lambda"
      metric_name         = "IteratorAge"
      statistic           = "Maximum"
      dimensions          = { FunctionName = "profiles" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 1800000
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "The warning alarm: IteratorAge Maximum of the function at 1800000 ms."
  }

  assert {
    condition = jsonencode(module.alarms.alarms.iterator_age_critical) == jsonencode({
      name                = "profiles-iterator-age-critical"
      namespace           = "AWS/Lambda"
      metric_name         = "IteratorAge"
      statistic           = "Maximum"
      dimensions          = { FunctionName = "profiles" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 2880000
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "The critical alarm: IteratorAge Maximum of the function at 2880000 ms."
  }

  assert {
    condition = jsonencode(module.alarms.alarms.errors) == jsonencode({
      name                = "profiles-errors"
      namespace           = "AWS/Lambda"
      metric_name         = "Errors"
      statistic           = "Sum"
      dimensions          = { FunctionName = "profiles" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "The errors alarm: Errors Sum of the function, from the first."
  }

  assert {
    condition = jsonencode(module.alarms.alarms.throttles) == jsonencode({
      name                = "profiles-throttles"
      namespace           = "AWS/Lambda"
      metric_name         = "Throttles"
      statistic           = "Sum"
      dimensions          = { FunctionName = "profiles" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "The throttles alarm: Throttles Sum of the function, from the first."
  }

  assert {
    condition = jsonencode(module.alarms.alarms.destination_delivery_failures) == jsonencode({
      name                = "profiles-destination-delivery-failures"
      namespace           = "AWS/Lambda"
      metric_name         = "DestinationDeliveryFailures"
      statistic           = "Sum"
      dimensions          = { FunctionName = "profiles" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "The delivery failures alarm: DestinationDeliveryFailures Sum of the function, from the first."
  }

  assert {
    condition     = keys(output.alarm_arns) == ["destination_delivery_failures", "errors", "failure_queue", "iterator_age_critical", "iterator_age_warning", "throttles"]
    error_message = "alarm_arns must list the five Lambda alarms and the queue's."
  }

  assert {
    condition     = module.failure_queue.alarm_name == "profiles-failures-visible-messages" && output.alarm_topic_arn == null
    error_message = "The queue keeps its depth alarm; no alarm topic unless asked for."
  }
}

run "no_record_age_limit_watches_the_retention" {
  command = plan
  variables {
    maximum_record_age_in_seconds = -1
  }

  assert {
    condition     = output.iterator_age_alarm_thresholds_seconds == { warning = 3600, critical = 69120, limit = 86400 }
    error_message = "Without a maximum record age the 24 h retention is the limit: warning at 1 h, critical at 19.2 h."
  }

  assert {
    condition     = module.alarms.alarms.iterator_age_warning.threshold == 3600000 && module.alarms.alarms.iterator_age_critical.threshold == 69120000
    error_message = "The alarms must carry those thresholds in milliseconds."
  }
}

run "record_age_beyond_retention_watches_the_retention" {
  command = plan
  variables {
    maximum_record_age_in_seconds = 172800
  }

  assert {
    condition     = output.iterator_age_alarm_thresholds_seconds == { warning = 3600, critical = 69120, limit = 86400 }
    error_message = "A maximum record age above 24 h cannot outlive the stream: the retention is the limit."
  }
}

run "custom_thresholds" {
  command = plan
  variables {
    iterator_age_warning_seconds  = 600
    iterator_age_critical_seconds = 1200
  }

  assert {
    condition     = module.alarms.alarms.iterator_age_warning.threshold == 600000 && module.alarms.alarms.iterator_age_critical.threshold == 1200000
    error_message = "Given thresholds replace the defaults."
  }
}

run "s3_destination_alarms_on_deliveries" {
  command = apply
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
  }

  assert {
    condition = jsonencode(module.alarms.alarms.on_failure_deliveries) == jsonencode({
      name                = "profiles-on-failure-deliveries"
      namespace           = "AWS/Lambda"
      metric_name         = "OnFailureDestinationDeliveredEventCount"
      statistic           = "Sum"
      dimensions          = { EventSourceMappingUUID = "a1b2c3d4-5678-90ab-cdef-111111111111" }
      period              = 300
      evaluation_periods  = 1
      threshold           = 1
      comparison_operator = "GreaterThanOrEqualToThreshold"
      treat_missing_data  = "notBreaching"
      alarm_actions       = []
      ok_actions          = []
    })
    error_message = "With S3 the mapping's OnFailureDestinationDeliveredEventCount (by its UUID) must alarm from the first record."
  }

  assert {
    condition     = keys(output.alarm_arns) == ["destination_delivery_failures", "errors", "iterator_age_critical", "iterator_age_warning", "on_failure_deliveries", "throttles"]
    error_message = "No queue alarm for an S3 destination; the deliveries alarm instead."
  }
}

run "sns_destination_uses_the_topic_alarm" {
  command = apply
  variables {
    on_failure_destination_type = "sns"
    mapping_metrics             = ["EventCount"]
  }

  assert {
    condition     = keys(output.alarm_arns) == ["destination_delivery_failures", "errors", "failure_topic", "iterator_age_critical", "iterator_age_warning", "throttles"]
    error_message = "An SNS destination alarms on its topic's published messages, not on the mapping's deliveries."
  }

  assert {
    condition     = module.failure_topic.alarm_name == "profiles-failures-published-messages"
    error_message = "The topic's alarm must exist."
  }
}

run "alarms_off" {
  command = apply
  variables {
    create_alarms = false
  }

  assert {
    condition     = module.alarms.alarms == {} && output.alarm_arns == {} && module.failure_queue.alarm_arn == null
    error_message = "create_alarms = false must create no alarm, the queue's included."
  }
}

# --- the alarm topic ----------------------------------------------------------

run "alarm_topic_receives_every_alarm" {
  command = apply
  variables {
    create_alarm_topic = true
    alarm_actions      = ["arn:aws:sns:eu-west-1:111111111111:pager"]
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:111111111111:profiles-alarms" && module.alarm_topic.topic_name == "profiles-alarms"
    error_message = "The alarm topic is <name>-alarms."
  }

  assert {
    condition = alltrue([for alarm in values(module.alarms.alarms) :
      jsonencode(alarm.alarm_actions) == jsonencode(["arn:aws:sns:eu-west-1:111111111111:pager", "arn:aws:sns:eu-west-1:111111111111:profiles-alarms"]) &&
      jsonencode(alarm.ok_actions) == jsonencode(["arn:aws:sns:eu-west-1:111111111111:profiles-alarms"])
    ])
    error_message = "Every alarm must notify the created topic and the given actions, and the topic again on OK."
  }

  assert {
    condition     = module.alarm_topic.kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/alarm-key"
    error_message = "The topic must be encrypted with the created customer managed key."
  }

  assert {
    condition = jsondecode(module.alarm_topic.kms_key_policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "AccountAdministersKey"
          Effect    = "Allow"
          Principal = { AWS = "arn:aws:iam::111111111111:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "CloudWatchPublishesAlarms"
          Effect    = "Allow"
          Principal = { Service = "cloudwatch.amazonaws.com" }
          Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
          Resource  = "*"
        },
      ]
    }
    error_message = "The key policy must let CloudWatch use the key (kms:Decrypt, kms:GenerateDataKey*) and the account administer it."
  }

  assert {
    condition = jsondecode(module.alarm_topic.topic_policy_json) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "CloudWatchPublishesAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:eu-west-1:111111111111:profiles-alarms"
        Condition = {
          ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*" }
          StringEquals = { "aws:SourceAccount" = "111111111111" }
        }
      }]
    }
    error_message = "The topic policy must let this account's alarms, and only them, publish."
  }
}

run "alarm_topic_unencrypted_by_choice" {
  command = apply
  variables {
    create_alarm_topic         = true
    alarm_topic_create_kms_key = false
  }

  assert {
    condition     = module.alarm_topic.kms_key_arn == null && module.alarm_topic.kms_key_policy_json == null
    error_message = "create_kms_key = false without a key: no key, an unencrypted topic."
  }
}

run "alarm_topic_rejects_the_aws_managed_key" {
  command = plan
  variables {
    create_alarm_topic         = true
    alarm_topic_create_kms_key = false
    alarm_topic_kms_key_arn    = "alias/aws/sns"
  }
  expect_failures = [var.alarm_topic_kms_key_arn]
}

run "alarm_topic_module_rejects_the_aws_managed_key_arn" {
  command = plan
  module {
    source = "./modules/alarm-topic"
  }
  variables {
    name           = "profiles-alarms"
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:eu-west-1:111111111111:alias/aws/sns"
  }
  expect_failures = [var.kms_key_arn]
}

run "alarm_topic_module_given_key" {
  command = plan
  module {
    source = "./modules/alarm-topic"
  }
  variables {
    name           = "profiles-alarms"
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/team-key"
  }

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/team-key" && length(aws_kms_key.this) == 0
    error_message = "A given customer key encrypts the topic and no key is created."
  }
}

# --- modules/alarms on its own: thresholds that could never help --------------

run "alarms_module_warning_not_below_critical" {
  command = plan
  module {
    source = "./modules/alarms"
  }
  variables {
    name                          = "profiles"
    function_name                 = "profiles"
    maximum_record_age_in_seconds = 3600
    iterator_age_warning_seconds  = 3000
  }
  expect_failures = [aws_cloudwatch_metric_alarm.iterator_age_warning[0]]
}

run "alarms_module_critical_after_the_records_are_gone" {
  command = plan
  module {
    source = "./modules/alarms"
  }
  variables {
    name                          = "profiles"
    function_name                 = "profiles"
    maximum_record_age_in_seconds = 3600
    iterator_age_critical_seconds = 3600
  }
  expect_failures = [aws_cloudwatch_metric_alarm.iterator_age_critical[0]]
}

run "alarms_module_function_arn_instead_of_name" {
  command = plan
  module {
    source = "./modules/alarms"
  }
  variables {
    name          = "profiles"
    function_name = "arn:aws:lambda:eu-west-1:111111111111:function:profiles"
  }
  expect_failures = [var.function_name]
}

run "alarms_module_deliveries_need_event_counts" {
  command = plan
  module {
    source = "./modules/alarms"
  }
  variables {
    name                      = "profiles"
    function_name             = "profiles"
    event_source_mapping_uuid = "a1b2c3d4-5678-90ab-cdef-111111111111"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.on_failure_deliveries) == 0
    error_message = "Without the EventCount metrics there is nothing for the deliveries alarm to watch."
  }
}

# --- the dashboard ------------------------------------------------------------

run "dashboard_sqs" {
  command = apply

  assert {
    condition     = output.dashboard_name == "profiles"
    error_message = "The dashboard is named after var.name."
  }

  assert {
    condition = [for w in jsondecode(module.dashboard.dashboard_body).widgets : try(w.properties.title, "")] == [
      "Iterator age (Maximum)",
      "Invocations, errors, throttles (Sum)",
      "Duration (ms)",
      "Concurrent executions (Maximum)",
      "Handler records (Sum)",
      "On-failure destination (sqs)",
      "Alarms",
    ]
    error_message = "Without EventCount: iterator age, invocations/errors/throttles, duration, concurrency, handler metrics, destination, alarms."
  }

  assert {
    condition = jsonencode([for w in slice(jsondecode(module.dashboard.dashboard_body).widgets, 0, 4) : w.properties.metrics]) == jsonencode([
      [["AWS/Lambda", "IteratorAge", "FunctionName", "profiles", { stat = "Maximum", label = "iterator age (ms)" }]],
      [
        ["AWS/Lambda", "Invocations", "FunctionName", "profiles", { stat = "Sum" }],
        ["AWS/Lambda", "Errors", "FunctionName", "profiles", { stat = "Sum" }],
        ["AWS/Lambda", "Throttles", "FunctionName", "profiles", { stat = "Sum" }],
      ],
      [
        ["AWS/Lambda", "Duration", "FunctionName", "profiles", { stat = "Average" }],
        ["AWS/Lambda", "Duration", "FunctionName", "profiles", { stat = "Maximum" }],
      ],
      [["AWS/Lambda", "ConcurrentExecutions", "FunctionName", "profiles", { stat = "Maximum" }]],
    ])
    error_message = "The Lambda graphs must show the function's metrics by its name."
  }

  assert {
    condition     = jsondecode(module.dashboard.dashboard_body).widgets[0].properties.annotations.horizontal == [{ label = "warning", value = 1800000 }, { label = "critical", value = 2880000 }] && jsondecode(module.dashboard.dashboard_body).widgets[0].properties.region == "eu-west-1"
    error_message = "The iterator age graph must draw the alarms' thresholds, in the deployment's region."
  }

  assert {
    condition     = jsondecode(module.dashboard.dashboard_body).widgets[2].properties.annotations.horizontal == [{ label = "timeout", value = 30000 }]
    error_message = "The duration graph must draw the function's timeout."
  }

  assert {
    condition = jsonencode(jsondecode(module.dashboard.dashboard_body).widgets[4].properties.metrics) == jsonencode([
      ["DynamoDBStreams", "RecordsProcessed", "service", "ddb-stream-handler", { stat = "Sum" }],
      ["DynamoDBStreams", "RecordsSkipped", "service", "ddb-stream-handler", { stat = "Sum" }],
      ["DynamoDBStreams", "RecordsDropped", "service", "ddb-stream-handler", { stat = "Sum" }],
      ["DynamoDBStreams", "RecordsFailed", "service", "ddb-stream-handler", { stat = "Sum" }],
    ])
    error_message = "The handler graph must show its EMF metrics in its namespace, by its Powertools service."
  }

  assert {
    condition = jsonencode(jsondecode(module.dashboard.dashboard_body).widgets[5].properties.metrics) == jsonencode([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "profiles-failures", { stat = "Maximum", label = "records waiting" }],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "profiles-failures", { stat = "Maximum", label = "oldest (s)", yAxis = "right" }],
      ["AWS/Lambda", "DestinationDeliveryFailures", "FunctionName", "profiles", { stat = "Sum", label = "delivery failures (records lost)" }],
    ])
    error_message = "The destination graph must show the failure queue's depth and the delivery failures."
  }

  assert {
    condition     = jsondecode(module.dashboard.dashboard_body).widgets[6].properties.alarms == values(output.alarm_arns)
    error_message = "The alarm widget must show every alarm of the pipeline."
  }
}

run "dashboard_s3_with_event_counts" {
  command = apply
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    metrics_namespace           = "Profiles"
    service_name                = "profiles"
  }

  assert {
    condition = jsonencode(jsondecode(module.dashboard.dashboard_body).widgets[5].properties.metrics) == jsonencode([
      ["AWS/Lambda", "OnFailureDestinationDeliveredEventCount", "EventSourceMappingUUID", "a1b2c3d4-5678-90ab-cdef-111111111111", { stat = "Sum", label = "records parked" }],
      ["AWS/Lambda", "DestinationDeliveryFailures", "FunctionName", "profiles", { stat = "Sum", label = "delivery failures (records lost)" }],
    ])
    error_message = "For a bucket the destination graph must show the mapping's deliveries by its UUID."
  }

  assert {
    condition = jsonencode(jsondecode(module.dashboard.dashboard_body).widgets[6].properties.metrics) == jsonencode([
      for metric in ["PolledEventCount", "FilteredOutEventCount", "InvokedEventCount", "FailedInvokeEventCount", "DroppedEventCount", "OnFailureDestinationDeliveredEventCount"] :
      ["AWS/Lambda", metric, "EventSourceMappingUUID", "a1b2c3d4-5678-90ab-cdef-111111111111", { stat = "Sum" }]
    ])
    error_message = "With EventCount the mapping's event counts must be graphed by its UUID."
  }

  assert {
    condition     = jsondecode(module.dashboard.dashboard_body).widgets[4].properties.metrics[0] == ["Profiles", "RecordsProcessed", "service", "profiles", { stat = "Sum" }]
    error_message = "The handler graph must follow metrics_namespace and service_name."
  }
}

run "dashboard_existing_topic" {
  command = apply
  variables {
    on_failure_destination_type = "sns"
    create_failure_topic        = false
    failure_topic_arn           = "arn:aws:sns:us-east-1:222222222222:shared-failures"
  }

  assert {
    condition     = jsondecode(module.dashboard.dashboard_body).widgets[5].properties.metrics[0] == ["AWS/SNS", "NumberOfMessagesPublished", "TopicName", "shared-failures", { stat = "Sum", label = "records published" }]
    error_message = "A given topic's name comes from its ARN."
  }
}

run "dashboard_off" {
  command = apply
  variables {
    create_dashboard = false
  }

  assert {
    condition     = output.dashboard_name == null
    error_message = "create_dashboard = false must create no dashboard."
  }
}

# --- examples/complete ----------------------------------------------------------

run "complete_example_alarms_reach_a_topic_cloudwatch_can_use" {
  command = plan
  module {
    source = "./examples/complete"
  }

  override_resource {
    target          = module.user_profiles.module.alarm_topic.aws_sns_topic.this[0]
    override_during = plan
    values = {
      arn = "arn:aws:sns:us-east-1:111111111111:user-profiles-alarms"
    }
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:us-east-1:111111111111:user-profiles-alarms" && output.dashboard_name == "user-profiles"
    error_message = "The complete example must send its alarms to the module's alarm topic and create the dashboard."
  }
}
