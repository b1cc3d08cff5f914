locals {
  # Where each plain-terms section lives in a DynamoDB stream record.
  image_sections = {
    new_image = "NewImage"
    old_image = "OldImage"
    keys      = "Keys"
  }

  # One rendered matcher per condition. Each branch is JSON-encoded separately
  # and decoded again so BOOL conditions keep real booleans ([true]) while the
  # other types keep strings: a plain conditional would unify both to strings.
  rendered_filters = [
    for f in var.filters : {
      event_names = coalesce(f.event_names, var.event_names)
      dynamodb = {
        for section, record_key in local.image_sections : record_key => {
          for name, c in f[section] : name => {
            (c.type) = jsondecode(
              c.exists != null ? jsonencode([{ exists = c.exists }]) :
              c.prefix != null ? jsonencode([{ prefix = c.prefix }]) :
              c.suffix != null ? jsonencode([{ suffix = c.suffix }]) :
              c.equals_ignore_case != null ? jsonencode([{ "equals-ignore-case" = c.equals_ignore_case }]) :
              c.anything_but != null ? jsonencode([{ "anything-but" = c.anything_but }]) :
              c.type == "BOOL" ? jsonencode([for v in c.equals : v == "true"]) :
              jsonencode(c.equals)
            )
          }
        } if length(f[section]) > 0
      }
    }
  ]

  # jsonencode sorts object keys, so the same inputs always give byte-identical
  # patterns: what tests assert and what Lambda stores.
  rendered_patterns = [
    for f in local.rendered_filters : jsonencode(merge(
      { eventName = f.event_names },
      length(f.dynamodb) > 0 ? { dynamodb = f.dynamodb } : {},
    ))
  ]

  # Without conditions, insert-only (or whatever event_names says) is still a
  # filter, so Lambda is not invoked for the other event names at all. Raw
  # patterns alone replace it: ORing them with an eventName-only pattern would
  # widen them.
  default_patterns = length(var.filters) == 0 && length(var.raw_filter_patterns) == 0 ? [jsonencode({ eventName = var.event_names })] : []

  filter_patterns = concat(local.default_patterns, local.rendered_patterns, var.raw_filter_patterns)

  # Conditions the stream cannot satisfy: the image is not in its records.
  uses_new_image = anytrue([for f in var.filters : length(f.new_image) > 0])
  uses_old_image = anytrue([for f in var.filters : length(f.old_image) > 0])

  filter_event_names_outside = distinct(flatten([
    for f in var.filters : [for name in coalesce(f.event_names, []) : name if !contains(var.event_names, name)]
  ]))

  oversized_patterns = [for p in local.filter_patterns : p if length(p) > 4096]

  function_response_types = var.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
}
