# The function as production runs it, through the root module: published
# versions and the alias the mapping invokes, provisioned concurrency,
# SnapStart, layers, VPC, logging, and adopting what already exists (a role,
# a log group), with IAM names that cannot collide across regions.

mock_provider "aws" {
  # Data sources the module reads: a region and partition the ARNs can be built from.
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

override_resource {
  target = module.stream_table.aws_dynamodb_table.this[0]
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/profiles/stream/2026-01-01T00:00:00.000"
  }
}

override_resource {
  target = module.failure_queue.aws_sqs_queue.this[0]
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:profiles-failures"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/profiles-failures"
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
    arn = "arn:aws:iam::111111111111:role/profiles-eu-west-1"
  }
}

override_resource {
  target = module.lambda_function.aws_lambda_function.this[0]
  values = {
    arn           = "arn:aws:lambda:eu-west-1:111111111111:function:profiles"
    version       = "4"
    qualified_arn = "arn:aws:lambda:eu-west-1:111111111111:function:profiles:4"
  }
}

override_resource {
  target = module.lambda_function.aws_lambda_alias.this[0]
  values = {
    arn = "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
  }
}

override_resource {
  target = module.event_source_mapping.aws_lambda_event_source_mapping.this[0]
  values = {
    uuid         = "6c1b2f3e-0d4a-4b5c-9e8f-7a6b5c4d3e2f"
    state        = "Enabled"
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
  }
}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

run "versions_and_the_alias_the_mapping_invokes" {
  command = apply

  assert {
    condition     = module.lambda_function.function_version == "4" && output.function_version == "4"
    error_message = "Each apply publishes a version (publish = true)."
  }

  assert {
    condition     = output.function_alias_name == "live" && output.function_alias_version == "4"
    error_message = "The alias live must point to the version the apply published."
  }

  assert {
    condition     = module.event_source_mapping.function_name == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
    error_message = "The mapping must invoke the alias, not $LATEST."
  }

  assert {
    condition = (
      output.function_qualified_arn == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:4" &&
      output.function_alias_arn == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live" &&
      output.event_source_mapping_function_arn == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
    )
    error_message = "The root must expose the qualified ARN, the alias ARN and what the mapping invokes."
  }

  assert {
    condition     = output.event_source_mapping_state == "Enabled" && output.event_source_mapping_uuid == "6c1b2f3e-0d4a-4b5c-9e8f-7a6b5c4d3e2f"
    error_message = "The root must expose the mapping's state and UUID."
  }

  assert {
    condition     = output.event_source_mapping_kms_key_arn == null && module.lambda_function.provisioned_concurrent_executions == 0
    error_message = "No filter-criteria key and no provisioned concurrency by default."
  }

  # The region in the role's name: the same name in another region is another role.
  assert {
    condition     = output.role_name == "profiles-eu-west-1"
    error_message = "The default role name must carry the region: ${output.role_name}."
  }
}

run "rollback_pins_the_alias" {
  command = apply
  variables {
    alias_function_version = "3"
  }
  assert {
    condition     = output.function_alias_version == "3" && module.event_source_mapping.function_name == "arn:aws:lambda:eu-west-1:111111111111:function:profiles:live"
    error_message = "Rolling back moves the alias to version 3; the mapping keeps invoking the alias."
  }
}

run "same_name_in_another_region" {
  command = plan
  override_data {
    target = data.aws_region.current[0]
    values = { region = "us-east-1" }
  }
  assert {
    condition     = module.execution_role.policy_statements[0].sid == "ReadStream" && local.role_name == "profiles-us-east-1"
    error_message = "In us-east-1 the default role name must be profiles-us-east-1."
  }
}

# IAM allows 64 characters: a 50-character name leaves room for the longest region.
run "longest_name_in_a_long_region" {
  command = plan
  variables {
    name = "a-name-of-exactly-fifty-characters-for-the-role-xy"
  }
  override_data {
    target = data.aws_region.current[0]
    values = { region = "ap-southeast-4" }
  }
  assert {
    condition     = local.role_name == "a-name-of-exactly-fifty-characters-for-the-role-x-ap-southeast-4" && length(local.role_name) == 64
    error_message = "The role name must be cut to fit 64 characters with the region: ${local.role_name}."
  }
}

run "role_name_given_is_used_as_is" {
  command = plan
  variables {
    role_name = "profiles-stream-handler"
  }
  assert {
    condition     = local.role_name == "profiles-stream-handler"
    error_message = "An explicit role_name must not get the region."
  }
}

run "provisioned_concurrency_on_the_alias" {
  command = apply
  variables {
    provisioned_concurrent_executions = 5
  }
  assert {
    condition     = module.lambda_function.provisioned_concurrent_executions == 5
    error_message = "Provisioned concurrency must be configured on the alias."
  }
}

# The public Powertools layer for the runtime and architecture, before the
# caller's layers (for a zip packaged without Powertools).
run "powertools_layer_and_layers_of_your_own" {
  command = apply
  variables {
    powertools_layer_version = 27
    layers                   = ["arn:aws:lambda:eu-west-1:111111111111:layer:acme-processors:3"]
  }
  assert {
    condition = output.function_layers == tolist([
      "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27",
      "arn:aws:lambda:eu-west-1:111111111111:layer:acme-processors:3",
    ])
    error_message = "The Powertools layer ARN must match runtime, architecture and region: ${jsonencode(output.function_layers)}"
  }
}

run "powertools_layer_for_x86_64" {
  command = apply
  variables {
    powertools_layer_version = 27
    architecture             = "x86_64"
    runtime                  = "python3.12"
  }
  assert {
    condition     = output.function_layers == tolist(["arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27"])
    error_message = "The layer must follow runtime and architecture: ${jsonencode(output.function_layers)}"
  }
}

# In a VPC, the role gets the network-interface actions, scoped as tightly as
# IAM allows: Describe* on "*" only, the rest on this account's network
# interfaces in the region and the given subnets and security groups.
run "vpc_network_interface_permissions" {
  command = apply
  variables {
    vpc_subnet_ids         = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    vpc_security_group_ids = ["sg-0123abcd"]
  }
  assert {
    condition = jsonencode([for s in output.role_policy_statements : s if startswith(s.sid, "DescribeNetwork") || endswith(s.sid, "NetworkInterfaces")]) == jsonencode([
      {
        sid       = "DescribeNetworkInterfaces"
        actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
        resources = ["*"]
      },
      {
        sid     = "CreateNetworkInterfaces"
        actions = ["ec2:CreateNetworkInterface"]
        resources = [
          "arn:aws:ec2:eu-west-1:111111111111:network-interface/*",
          "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0a1b2c3d",
          "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-4e5f6a7b",
          "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0123abcd",
        ]
      },
      {
        sid       = "ManageNetworkInterfaces"
        actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        resources = ["arn:aws:ec2:eu-west-1:111111111111:network-interface/*"]
      },
    ])
    error_message = "The VPC statements must be exactly these: ${jsonencode(output.role_policy_statements)}"
  }
}

run "no_vpc_no_ec2_permissions" {
  command = apply
  assert {
    condition     = length([for s in output.role_policy_statements : s if anytrue([for a in s.actions : startswith(a, "ec2:")])]) == 0
    error_message = "Without a VPC the role must hold no EC2 action."
  }
}

# A function that already ran has its /aws/lambda/<name> group: adopt it.
run "existing_log_group_adopted" {
  command = apply
  variables {
    create_log_group = false
    log_group_name   = "/platform/lambda/profiles"
  }
  override_data {
    target = module.lambda_function.data.aws_cloudwatch_log_group.existing[0]
    values = {
      arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/lambda/profiles"
    }
  }
  assert {
    condition     = output.log_group_name == "/platform/lambda/profiles" && output.log_group_arn == "arn:aws:logs:eu-west-1:111111111111:log-group:/platform/lambda/profiles"
    error_message = "The function must log to the existing group."
  }
  assert {
    condition     = [for s in output.role_policy_statements : s.resources if s.sid == "WriteOwnLogs"] == [["arn:aws:logs:eu-west-1:111111111111:log-group:/platform/lambda/profiles:*"]]
    error_message = "Log writes must be granted on the adopted group only."
  }
}

# Bring your own role: nothing IAM is created, the function runs with it, and
# the module says exactly what the role must allow.
run "role_of_your_own" {
  command = apply
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::111111111111:role/platform/stream-handler"
  }
  assert {
    condition     = module.execution_role.role_arn == null && output.role_arn == "arn:aws:iam::111111111111:role/platform/stream-handler" && output.role_name == "stream-handler"
    error_message = "No role may be created; the given one must be used."
  }
  assert {
    condition = jsondecode(output.role_policy_json) == {
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
        {
          Sid      = "WriteTraces"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = ["*"]
        },
      ]
    }
    error_message = "role_policy_json must be exactly what the role needs: ${output.role_policy_json}"
  }
  assert {
    condition = jsondecode(output.role_trust_policy_json) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "LambdaAssumeRole"
        Effect    = "Allow"
        Action    = ["sts:AssumeRole"]
        Principal = { Service = ["lambda.amazonaws.com"] }
      }]
    }
    error_message = "The trust policy to give the role: only Lambda may assume it."
  }
}

# output.role_arn carries the rule that a role_arn needs create_role = false
# (its only precondition). create_role = false without role_arn is the
# function's error (tests/function_rules.tftest.hcl, run "no_role").
run "role_arn_while_creating_a_role" {
  command = plan
  variables {
    role_arn = "arn:aws:iam::111111111111:role/platform/stream-handler"
  }
  expect_failures = [output.role_arn]
}

run "role_arn_not_a_role" {
  command = plan
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::111111111111:user/deployer"
  }
  expect_failures = [var.role_arn]
}

run "filter_criteria_key_on_the_mapping" {
  command = apply
  variables {
    event_source_mapping_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
  }
  assert {
    condition     = output.event_source_mapping_kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
    error_message = "The root must set and expose the mapping's kms_key_arn."
  }
}

run "filter_criteria_key_must_be_an_arn" {
  command = plan
  variables {
    event_source_mapping_kms_key_arn = "alias/filters"
  }
  expect_failures = [var.event_source_mapping_kms_key_arn]
}

# A role made in the same apply: its ARN is unknown at plan, and no count may
# depend on it (the plan would fail with "Invalid count argument").
run "role_created_in_the_same_apply" {
  command = plan
  module {
    source = "./tests/tf-fixtures/own-role"
  }
  assert {
    condition     = output.filter_patterns == ["{\"eventName\":[\"INSERT\"]}"]
    error_message = "The stack must plan with a role whose ARN is only known after apply."
  }
}
