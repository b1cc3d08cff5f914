# On-failure destinations: SQS (default), SNS or S3, created or given by ARN.
# For each type: the mapping's destination_config, what is created, and the
# exact policy JSON attached to the role (only that type's actions); then the
# plan-time errors (FIFO, wrong service, a key without its ARN).

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

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
  tracing_mode    = "PassThrough"
}

# The statements every policy starts with (stream, ListStreams, logs).
run "sqs_is_the_default" {
  command = apply

  assert {
    condition     = output.on_failure_destination_type == "sqs" && output.on_failure_destination_arn == "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    error_message = "SQS must stay the default destination: the created queue."
  }

  assert {
    condition     = module.event_source_mapping.on_failure_destination_arn == "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    error_message = "The mapping's destination_config.on_failure.destination_arn must be the created queue."
  }

  assert {
    condition     = module.failure_topic.topic_arn == null && module.failure_bucket.bucket_arn == null && output.failure_topic_arn == null && output.failure_bucket_arn == null
    error_message = "Only the chosen type's destination may be created."
  }

  assert {
    condition     = !contains(keys(output.mapping), "DestinationConfig")
    error_message = "The settings the local pipeline reads (esm-settings mapping) must not carry the destination."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = ["*"]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "SendFailureRecords"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
        },
      ]
    }
    error_message = "With SQS the role must get sqs:SendMessage on the queue and nothing for SNS or S3."
  }
}

run "sqs_customer_key" {
  command = apply
  variables {
    failure_queue_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/queue-key"
  }

  assert {
    condition = [for s in jsondecode(module.execution_role.policy_json).Statement : s if startswith(s.Sid, "Send") || startswith(s.Sid, "Encrypt")] == [
      {
        Sid      = "SendFailureRecords"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = ["arn:aws:sqs:eu-west-1:111111111111:profiles-failures"]
      },
      {
        Sid      = "EncryptFailureRecords"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = ["arn:aws:kms:eu-west-1:111111111111:key/queue-key"]
      },
    ]
    error_message = "An SQS destination with a customer key needs kms:GenerateDataKey and kms:Decrypt on that key."
  }
}

run "sns_created_topic" {
  command = apply
  variables {
    on_failure_destination_type = "sns"
  }

  assert {
    condition     = module.event_source_mapping.on_failure_destination_arn == "arn:aws:sns:eu-west-1:111111111111:profiles-failures" && output.failure_topic_arn == "arn:aws:sns:eu-west-1:111111111111:profiles-failures"
    error_message = "The mapping must send to the created topic."
  }

  assert {
    condition     = module.failure_topic.topic_name == "profiles-failures" && module.failure_topic.kms_master_key_id == "alias/aws/sns"
    error_message = "The created topic is <name>-failures, encrypted with the AWS managed key when no customer key is given."
  }

  assert {
    condition     = module.failure_queue.queue_arn == null && module.failure_bucket.bucket_arn == null && output.failure_queue_arn == null
    error_message = "No queue or bucket may be created for an SNS destination."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = ["*"]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "PublishFailureRecords"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = ["arn:aws:sns:eu-west-1:111111111111:profiles-failures"]
        },
      ]
    }
    error_message = "With SNS the role must get sns:Publish on the topic and nothing for SQS or S3."
  }
}

run "sns_customer_key" {
  command = apply
  variables {
    on_failure_destination_type = "sns"
    failure_topic_kms_key_arn   = "arn:aws:kms:eu-west-1:111111111111:key/topic-key"
  }

  assert {
    condition     = module.failure_topic.kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/topic-key"
    error_message = "The created topic must be encrypted with the given customer key."
  }

  assert {
    condition = [for s in jsondecode(module.execution_role.policy_json).Statement : s if contains(["PublishFailureRecords", "EncryptFailureRecords"], s.Sid)] == [
      {
        Sid      = "PublishFailureRecords"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = ["arn:aws:sns:eu-west-1:111111111111:profiles-failures"]
      },
      {
        Sid      = "EncryptFailureRecords"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = ["arn:aws:kms:eu-west-1:111111111111:key/topic-key"]
      },
    ]
    error_message = "An SNS destination with a customer key needs kms:GenerateDataKey and kms:Decrypt on that key."
  }
}

run "sns_existing_topic" {
  command = apply
  variables {
    on_failure_destination_type = "sns"
    create_failure_topic        = false
    failure_topic_arn           = "arn:aws:sns:us-east-1:222222222222:shared-failures"
  }

  assert {
    condition     = module.failure_topic.topic_arn == null && module.event_source_mapping.on_failure_destination_arn == "arn:aws:sns:us-east-1:222222222222:shared-failures"
    error_message = "No topic may be created; the given topic must be the destination."
  }

  assert {
    condition     = [for s in jsondecode(module.execution_role.policy_json).Statement : s.Resource if s.Sid == "PublishFailureRecords"] == [["arn:aws:sns:us-east-1:222222222222:shared-failures"]]
    error_message = "sns:Publish must be granted on the given topic."
  }
}

run "s3_created_bucket" {
  command = apply
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
  }

  assert {
    condition     = module.event_source_mapping.on_failure_destination_arn == "arn:aws:s3:::profiles-failures" && output.failure_bucket_arn == "arn:aws:s3:::profiles-failures" && output.failure_bucket_name == "profiles-failures"
    error_message = "The mapping must send to the created bucket."
  }

  assert {
    condition     = module.failure_queue.queue_arn == null && module.failure_topic.topic_arn == null
    error_message = "No queue or topic may be created for an S3 destination."
  }

  assert {
    condition = jsondecode(module.execution_role.policy_json) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"]
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = ["*"]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles:*"]
        },
        {
          Sid      = "WriteFailureRecords"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = ["arn:aws:s3:::profiles-failures/*"]
        },
        {
          Sid      = "ListFailureBucket"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = ["arn:aws:s3:::profiles-failures"]
        },
      ]
    }
    error_message = "With S3 the role must get s3:PutObject on the bucket's objects and s3:ListBucket on the bucket, and nothing for SQS or SNS."
  }
}

run "s3_customer_key" {
  command = apply
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    failure_bucket_kms_key_arn  = "arn:aws:kms:eu-west-1:111111111111:key/bucket-key"
  }

  assert {
    condition     = module.failure_bucket.kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/bucket-key"
    error_message = "The created bucket must encrypt with the given customer key."
  }

  assert {
    condition = [for s in jsondecode(module.execution_role.policy_json).Statement : s if s.Sid == "EncryptFailureRecords"] == [
      {
        Sid      = "EncryptFailureRecords"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey"]
        Resource = ["arn:aws:kms:eu-west-1:111111111111:key/bucket-key"]
      },
    ]
    error_message = "An S3 destination with SSE-KMS needs kms:GenerateDataKey (alone) on the bucket's key."
  }
}

run "s3_existing_bucket" {
  command = apply
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    create_failure_bucket       = false
    failure_bucket_arn          = "arn:aws:s3:::shared-stream-failures"
  }

  assert {
    condition     = module.failure_bucket.bucket_arn == null && module.event_source_mapping.on_failure_destination_arn == "arn:aws:s3:::shared-stream-failures" && output.failure_bucket_name == "shared-stream-failures"
    error_message = "No bucket may be created; the given bucket must be the destination."
  }

  assert {
    condition     = [for s in jsondecode(module.execution_role.policy_json).Statement : s.Resource if startswith(s.Sid, "WriteFailure") || startswith(s.Sid, "ListFailure")] == [["arn:aws:s3:::shared-stream-failures/*"], ["arn:aws:s3:::shared-stream-failures"]]
    error_message = "The S3 actions must be granted on the given bucket."
  }
}

# --- the created bucket and topic on their own ------------------------------

run "failure_bucket_private_encrypted_versioned" {
  command = apply
  module {
    source = "./modules/failure-bucket"
  }
  variables {
    name = "profiles-failures"
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this[0].block_public_acls == true &&
      aws_s3_bucket_public_access_block.this[0].block_public_policy == true &&
      aws_s3_bucket_public_access_block.this[0].ignore_public_acls == true &&
      aws_s3_bucket_public_access_block.this[0].restrict_public_buckets == true
    )
    error_message = "Every public access block setting must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be enforced (ACLs off)."
  }

  assert {
    condition     = [for r in aws_s3_bucket_server_side_encryption_configuration.this[0].rule : r.apply_server_side_encryption_by_default[0].sse_algorithm] == ["AES256"]
    error_message = "Without a customer key the bucket must default to SSE-S3."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this[0].versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this[0].rule : r.id] == ["expire-redriven-batches", "noncurrent-versions"]
    error_message = "By default parked batches never expire (no rule for aws/lambda/)."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.this[0].rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[0].filter[0].prefix == "redriven/" &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[0].expiration[0].days == 90
    )
    error_message = "Redriven batches expire after 90 days."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.this[0].rule[1].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[1].noncurrent_version_expiration[0].noncurrent_days == 30 &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[1].expiration[0].expired_object_delete_marker == true &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[1].abort_incomplete_multipart_upload[0].days_after_initiation == 1
    )
    error_message = "Noncurrent versions expire after 30 days, lone delete markers go, incomplete uploads are aborted."
  }

  assert {
    condition = jsondecode(aws_s3_bucket_policy.this[0].policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    }
    error_message = "The bucket policy must deny every request without TLS, on the bucket and its objects."
  }

  assert {
    condition     = output.parked_prefix == "aws/lambda/" && output.redriven_prefix == "redriven/"
    error_message = "Parked batches are under aws/lambda/, redriven ones under redriven/."
  }
}

run "failure_bucket_tuned_lifecycle_and_key" {
  command = plan
  module {
    source = "./modules/failure-bucket"
  }
  variables {
    name                               = "profiles-failures"
    kms_key_arn                        = "arn:aws:kms:eu-west-1:111111111111:key/bucket-key"
    expiration_days                    = 400
    redriven_expiration_days           = null
    noncurrent_version_expiration_days = 7
  }

  assert {
    condition = [for r in aws_s3_bucket_server_side_encryption_configuration.this[0].rule : {
      algorithm  = r.apply_server_side_encryption_by_default[0].sse_algorithm
      key        = r.apply_server_side_encryption_by_default[0].kms_master_key_id
      bucket_key = r.bucket_key_enabled
      }] == [{
      algorithm  = "aws:kms"
      key        = "arn:aws:kms:eu-west-1:111111111111:key/bucket-key"
      bucket_key = true
    }]
    error_message = "With a customer key: SSE-KMS with it and an S3 Bucket Key."
  }

  assert {
    condition = (
      [for r in aws_s3_bucket_lifecycle_configuration.this[0].rule : r.id] == ["expire-parked-batches", "noncurrent-versions"] &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[0].filter[0].prefix == "aws/lambda/" &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[0].expiration[0].days == 400 &&
      aws_s3_bucket_lifecycle_configuration.this[0].rule[1].noncurrent_version_expiration[0].noncurrent_days == 7
    )
    error_message = "The lifecycle rules must follow the caller's settings: parked batches expire after 400 days, redriven ones never, noncurrent versions after 7."
  }
}

run "failure_topic_standard_with_alarm" {
  command = apply
  module {
    source = "./modules/failure-topic"
  }
  variables {
    name          = "profiles-failures"
    alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:profiles-alarms"]
  }

  assert {
    condition     = aws_sns_topic.this[0].fifo_topic != true && aws_sns_topic.this[0].kms_master_key_id == "alias/aws/sns"
    error_message = "A standard topic, encrypted at rest."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.published_messages[0].namespace == "AWS/SNS" &&
      aws_cloudwatch_metric_alarm.published_messages[0].metric_name == "NumberOfMessagesPublished" &&
      aws_cloudwatch_metric_alarm.published_messages[0].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.published_messages[0].dimensions == tomap({ TopicName = "profiles-failures" }) &&
      aws_cloudwatch_metric_alarm.published_messages[0].period == 300 &&
      aws_cloudwatch_metric_alarm.published_messages[0].threshold == 1 &&
      aws_cloudwatch_metric_alarm.published_messages[0].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.published_messages[0].treat_missing_data == "notBreaching" &&
      aws_cloudwatch_metric_alarm.published_messages[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:profiles-alarms"])
    )
    error_message = "The topic alarm must fire on the first published on-failure record and notify the given actions."
  }
}

# --- plan-time errors ---------------------------------------------------------

run "unknown_destination_type" {
  command = plan
  variables {
    on_failure_destination_type = "lambda"
  }
  expect_failures = [var.on_failure_destination_type]
}

run "fifo_topic_arn" {
  command = plan
  variables {
    on_failure_destination_type = "sns"
    create_failure_topic        = false
    failure_topic_arn           = "arn:aws:sns:us-east-1:111111111111:failures.fifo"
  }
  expect_failures = [var.failure_topic_arn]
}

run "fifo_topic_name" {
  command = plan
  variables {
    on_failure_destination_type = "sns"
    failure_topic_name          = "failures.fifo"
  }
  expect_failures = [var.failure_topic_name]
}

run "failure_topic_module_fifo_name" {
  command = plan
  module {
    source = "./modules/failure-topic"
  }
  variables {
    name = "failures.fifo"
  }
  expect_failures = [var.name]
}

run "fifo_queue_name" {
  command = plan
  variables {
    failure_queue_name = "failures.fifo"
  }
  expect_failures = [var.failure_queue_name]
}

run "topic_arn_of_a_queue" {
  command = plan
  variables {
    on_failure_destination_type = "sns"
    create_failure_topic        = false
    failure_topic_arn           = "arn:aws:sqs:us-east-1:111111111111:failures"
  }
  expect_failures = [var.failure_topic_arn]
}

run "bucket_arn_of_a_queue" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    create_failure_bucket       = false
    failure_bucket_arn          = "arn:aws:sqs:us-east-1:111111111111:failures"
  }
  expect_failures = [var.failure_bucket_arn]
}

run "bucket_arn_with_a_prefix" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    create_failure_bucket       = false
    failure_bucket_arn          = "arn:aws:s3:::failures/parked/"
  }
  expect_failures = [var.failure_bucket_arn]
}

run "topic_key_alias_instead_of_arn" {
  command = plan
  variables {
    on_failure_destination_type = "sns"
    failure_topic_kms_key_arn   = "alias/failures"
  }
  expect_failures = [var.failure_topic_kms_key_arn]
}

run "bucket_key_id_instead_of_arn" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    failure_bucket_kms_key_arn  = "1234abcd-12ab-34cd-56ef-1234567890ab"
  }
  expect_failures = [var.failure_bucket_kms_key_arn]
}

run "failure_bucket_module_alias_arn_instead_of_key_arn" {
  command = plan
  module {
    source = "./modules/failure-bucket"
  }
  variables {
    name        = "profiles-failures"
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/failures"
  }
  expect_failures = [var.kms_key_arn]
}

run "failure_bucket_module_name" {
  command = plan
  module {
    source = "./modules/failure-bucket"
  }
  variables {
    name = "Profiles_Failures"
  }
  expect_failures = [var.name]
}

run "failure_bucket_module_redriven_prefix_inside_parked" {
  command = plan
  module {
    source = "./modules/failure-bucket"
  }
  variables {
    name            = "profiles-failures"
    redriven_prefix = "aws/lambda/done/"
  }
  expect_failures = [var.redriven_prefix]
}

run "no_topic_for_sns" {
  command = plan
  variables {
    on_failure_destination_type = "sns"
    create_failure_topic        = false
  }
  expect_failures = [output.on_failure_destination_arn]
}

run "no_bucket_for_s3" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    create_failure_bucket       = false
  }
  expect_failures = [output.on_failure_destination_arn]
}

# Warnings (check blocks): an ARN for another type, an S3 destination nothing watches.
run "queue_arn_with_s3_destination" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
    mapping_metrics             = ["EventCount"]
    create_failure_queue        = false
    failure_queue_arn           = "arn:aws:sqs:eu-west-1:111111111111:old-failures"
  }
  expect_failures = [check.destination_arn_matches_type]
}

run "s3_destination_without_event_counts" {
  command = plan
  variables {
    on_failure_destination_type = "s3"
  }
  expect_failures = [check.s3_destination_watched]
}

# --- modules/execution-role on its own -------------------------------------------

run "execution_role_type_and_arn_disagree" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                        = "profiles"
    stream_arn                  = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn               = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
    on_failure_destination_type = "s3"
    on_failure_destination_arn  = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
  }
  expect_failures = [aws_iam_role_policy.this[0]]
}

run "execution_role_type_without_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                        = "profiles"
    stream_arn                  = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn               = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
    on_failure_destination_type = "sns"
  }
  expect_failures = [aws_iam_role_policy.this[0]]
}

run "execution_role_unknown_type" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                        = "profiles"
    on_failure_destination_type = "kinesis"
  }
  expect_failures = [var.on_failure_destination_type]
}

run "execution_role_bucket_object_arn" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                       = "profiles"
    on_failure_destination_arn = "arn:aws:s3:::profiles-failures/*"
  }
  expect_failures = [var.on_failure_destination_arn]
}

run "execution_role_no_destination_grants_nothing" {
  command = plan
  module {
    source = "./modules/execution-role"
  }
  variables {
    name                  = "profiles"
    stream_arn            = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
    log_group_arn         = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/profiles"
    attach_tracing_policy = false
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Sid] == ["ReadStream", "ListStreams", "WriteOwnLogs"]
    error_message = "Without a destination type the role gets no destination statement."
  }
}
