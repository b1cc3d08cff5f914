# One tfvars file feeds the root module, the provider-free settings modules
# (applied by the local pipeline) and the submodules wrapping them, so the
# shared variable blocks are copies. This catches a copy drifting: every
# variable block of esm-settings and handler-settings must appear verbatim in
# each module that re-declares it (the root rewords three descriptions on
# purpose: there they also describe the table or resource the root creates).
# Terraform insists that an assertion refers to the configuration, hence the
# otherwise idle `length(output.event_names) > 0` in each condition.

run "shared_variable_blocks_are_identical_copies" {
  command = plan
  module {
    source = "./modules/esm-settings"
  }

  assert {
    condition = length(output.event_names) > 0 && length([
      for block in regexall("(?s)variable \"[a-z_]+\" \\{.*?\\n\\}\\n", file("modules/esm-settings/variables.tf")) :
      block if !strcontains(file("modules/event-source-mapping/variables_settings.tf"), block)
    ]) == 0
    error_message = "modules/event-source-mapping/variables_settings.tf differs from modules/esm-settings/variables.tf."
  }

  assert {
    condition = length(output.event_names) > 0 && length([
      for block in regexall("(?s)variable \"[a-z_]+\" \\{.*?\\n\\}\\n", file("modules/handler-settings/variables.tf")) :
      block if !strcontains(file("modules/lambda-function/variables_handler.tf"), block)
    ]) == 0
    error_message = "modules/lambda-function/variables_handler.tf differs from modules/handler-settings/variables.tf."
  }

  assert {
    condition = length(output.event_names) > 0 && length([
      for block in concat(
        regexall("(?s)variable \"[a-z_]+\" \\{.*?\\n\\}\\n", file("modules/esm-settings/variables.tf")),
        regexall("(?s)variable \"[a-z_]+\" \\{.*?\\n\\}\\n", file("modules/handler-settings/variables.tf")),
      ) :
      block if !strcontains(file("variables.tf"), block) && length(regexall("variable \"(stream_view_type|notification_topic_arn|idempotency_table_name|event_names)\"", block)) == 0
    ]) == 0
    error_message = "A root variable block differs from its copy in modules/esm-settings or modules/handler-settings."
  }

  assert {
    condition     = length(output.event_names) > 0 && length(regexall("(?s)variable \"[a-z_]+\" \\{.*?\\n\\}\\n", file("modules/esm-settings/variables.tf"))) == 14
    error_message = "The block pattern no longer finds esm-settings' 14 variables, so the copy checks above would be vacuous."
  }
}
