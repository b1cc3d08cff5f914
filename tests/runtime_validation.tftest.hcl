# The `runtime` rule of modules/lambda-function and of the root: Lambda's Python runtimes on
# Amazon Linux 2023 (python3.12, python3.13, python3.14) are accepted, python3.11 (Amazon Linux
# 2, deprecated 2026-06-30) and anything else is refused. Each refused value breaks that rule
# only, so expect_failures names the one validation that fired.

mock_provider "aws" {}

variables {
  name            = "profiles"
  lambda_filename = "./tests/tf-fixtures/stub-handler.zip"
}

run "settings" {
  command = plan
  module {
    source = "./modules/handler-settings"
  }
}

run "lambda_function_accepts_python3_14" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.settings.function_settings
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    runtime       = "python3.14"
  }
  assert {
    condition     = aws_lambda_function.this[0].runtime == "python3.14"
    error_message = "python3.14 must reach the function unchanged."
  }
}

run "lambda_function_accepts_python3_12" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.settings.function_settings
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    runtime       = "python3.12"
  }
  assert {
    condition     = aws_lambda_function.this[0].runtime == "python3.12"
    error_message = "python3.12 must reach the function unchanged."
  }
}

run "lambda_function_refuses_deprecated_python3_11" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.settings.function_settings
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    runtime       = "python3.11"
  }
  expect_failures = [var.runtime]
}

run "lambda_function_refuses_a_capitalised_identifier" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.settings.function_settings
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    runtime       = "Python3.13"
  }
  expect_failures = [var.runtime]
}

run "lambda_function_refuses_a_future_runtime" {
  command = plan
  module {
    source = "./modules/lambda-function"
  }
  variables {
    settings      = run.settings.function_settings
    function_name = "profiles"
    role_arn      = "arn:aws:iam::111111111111:role/profiles"
    filename      = "./tests/tf-fixtures/stub-handler.zip"
    runtime       = "python3.15"
  }
  expect_failures = [var.runtime]
}

run "root_accepts_python3_14" {
  command = plan
  variables { runtime = "python3.14" }
  assert {
    condition     = module.lambda_function.function_name == "profiles"
    error_message = "The root must plan with python3.14."
  }
}

run "root_refuses_deprecated_python3_11" {
  command = plan
  variables { runtime = "python3.11" }
  expect_failures = [var.runtime]
}
