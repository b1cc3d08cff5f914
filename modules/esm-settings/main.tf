locals {
  # Where each plain-terms section lives in a DynamoDB stream record.
  image_sections = {
    new_image = "NewImage"
    old_image = "OldImage"
    keys      = "Keys"
  }
  operators = ["equals", "anything_but", "prefix", "suffix", "equals_ignore_case", "exists"]

  # var.filters is `any` (see variables.tf), so each condition is read into one
  # flat, typed record here: values become strings as an object type's
  # conversion would have made them, and whatever cannot be read is null with
  # its *_ok flag false, for the rules below to name.
  filter_conditions = flatten([for i, f in var.filters : [for section in keys(local.image_sections) : [
    for name, c in try({ for k, v in f[section] : k => v }, {}) : {
      filter    = i
      section   = section
      name      = name
      where     = "filters[${i}].${section}.${name}"
      is_object = can(keys(c))
      type      = try(tostring(c.type), null)
      given     = [for op in local.operators : op if try(c[op], null) != null]
      # Lists only: a bare string is a mistake, not a one-value list.
      equals             = try([for v in c.equals : tostring(v)], null)
      equals_ok          = try(c.equals, null) == null || (can(concat(c.equals, [])) && can([for v in c.equals : tostring(v)]) && length(try(c.equals, [])) > 0)
      anything_but       = try([for v in c.anything_but : tostring(v)], null)
      anything_but_ok    = try(c.anything_but, null) == null || (can(concat(c.anything_but, [])) && can([for v in c.anything_but : tostring(v)]) && length(try(c.anything_but, [])) > 0)
      prefix             = try(tostring(c.prefix), null)
      suffix             = try(tostring(c.suffix), null)
      equals_ignore_case = try(tostring(c.equals_ignore_case), null)
      strings_ok         = alltrue([for op in ["prefix", "suffix", "equals_ignore_case"] : try(c[op], null) == null || can(tostring(c[op]))])
      exists             = try(tobool(c.exists), null)
      exists_ok          = try(c.exists, null) == null || can(tobool(c.exists))
    }
  ]]])

  # The first rule each condition breaks (later rules assume the earlier ones
  # hold), so one mistake is one message.
  condition_problems = [for c in local.filter_conditions : (
    !c.is_object ? "${c.where} must be an object such as { type = \"S\", equals = [\"NEW\"] }." :
    length(trimspace(c.name)) == 0 ? "filters[${c.filter}].${c.section} has a condition with an empty attribute name." :
    !contains(["S", "N", "B", "BOOL"], coalesce(c.type, "-")) ? "${c.where}: type must be S, N, B or BOOL, the DynamoDB type the attribute is stored with." :
    length(c.given) != 1 ? "${c.where} sets ${length(c.given) == 0 ? "no operator" : join(" and ", c.given)}: set exactly one of equals, anything_but, prefix, suffix, equals_ignore_case, exists. To allow several values use a list in equals; to AND conditions use separate attributes; to OR whole conditions use separate filters." :
    !(c.equals_ok && c.anything_but_ok) ? "${c.where}: ${c.given[0]} needs a non-empty list of values, e.g. ${c.given[0]} = [\"NEW\"]." :
    !c.strings_ok ? "${c.where}: ${c.given[0]} takes one string." :
    !c.exists_ok ? "${c.where}: exists takes true or false." :
    c.type != "S" && contains(["prefix", "suffix", "equals_ignore_case"], c.given[0]) ? "${c.where}: ${c.given[0]} only applies to string (type = \"S\") attributes." :
    c.type == "N" && !alltrue([for v in concat(coalesce(c.equals, []), coalesce(c.anything_but, [])) : can(tonumber(v))]) ? "${c.where}: an N condition takes numbers written as strings, e.g. equals = [\"42\"]. Stream records carry numbers as text, so the match is textual: write the number as DynamoDB returns it (\"42\", not \"42.0\")." :
    c.type == "BOOL" && (c.anything_but != null || !alltrue([for v in coalesce(c.equals, []) : contains(["true", "false"], v)])) ? "${c.where}: a BOOL condition takes equals = [\"true\"] or [\"false\"] (or exists); anything_but is not offered for BOOL." :
    null
  )]

  filter_problems = concat(
    flatten([for i, f in var.filters : [
      !can(keys(f)) ? ["filters[${i}] must be an object with event_names, new_image, old_image or keys."] : [],
      [for section in keys(local.image_sections) : "filters[${i}].${section} must be a map from attribute name to condition." if try(f[section], null) != null && !can(keys(f[section]))],
      try(f.event_names, null) != null && !(can(concat(f.event_names, [])) && length(try(f.event_names, [])) > 0 && try(alltrue([for name in f.event_names : contains(["INSERT", "MODIFY", "REMOVE"], name)]), false)) ? [
        "filters[${i}].event_names must be null (use event_names) or a non-empty list drawn from INSERT, MODIFY and REMOVE; an empty list would render a pattern that matches nothing."
      ] : [],
    ]]),
    compact(local.condition_problems),
  )

  # One rendered matcher per condition. Each branch is JSON-encoded separately
  # and decoded again so BOOL conditions keep real booleans ([true]) while the
  # other types keep strings: a plain conditional would unify both to strings.
  rendered_conditions = [for c in local.filter_conditions : merge(c, {
    matcher = try(jsondecode(
      c.exists != null ? jsonencode([{ exists = c.exists }]) :
      c.prefix != null ? jsonencode([{ prefix = c.prefix }]) :
      c.suffix != null ? jsonencode([{ suffix = c.suffix }]) :
      c.equals_ignore_case != null ? jsonencode([{ "equals-ignore-case" = c.equals_ignore_case }]) :
      c.anything_but != null ? jsonencode([{ "anything-but" = c.anything_but }]) :
      c.type == "BOOL" ? jsonencode([for v in c.equals : v == "true"]) :
      jsonencode(c.equals)
    ), null)
  })]

  rendered_filters = [
    for i, f in var.filters : {
      event_names = try(tolist([for name in f.event_names : tostring(name)]), var.event_names)
      dynamodb = {
        for section, record_key in local.image_sections : record_key => {
          for c in local.rendered_conditions : c.name => { (coalesce(c.type, "S")) = c.matcher } if c.filter == i && c.section == section
        } if length([for c in local.filter_conditions : c if c.filter == i && c.section == section]) > 0
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

  # A raw pattern is a JSON string or { pattern, skip_checks } (variables.tf).
  raw_patterns = [for i, p in var.raw_filter_patterns : {
    index   = i
    pattern = try(tostring(p.pattern), tostring(p))
    skip    = toset(try([for check in p.skip_checks : tostring(check)], []))
  }]

  # Without conditions, insert-only (or whatever event_names says) is still a
  # filter, so Lambda is not invoked for the other event names at all. Raw
  # patterns alone replace it: ORing them with an eventName-only pattern would
  # widen them.
  default_patterns = length(var.filters) == 0 && length(var.raw_filter_patterns) == 0 ? [jsonencode({ eventName = var.event_names })] : []

  filter_patterns = concat(local.default_patterns, local.rendered_patterns, [for p in local.raw_patterns : p.pattern])

  # Conditions the stream cannot satisfy: the image is not in its records.
  uses_new_image = anytrue([for c in local.filter_conditions : c.section == "new_image"])
  uses_old_image = anytrue([for c in local.filter_conditions : c.section == "old_image"])

  filter_event_names_outside = distinct(flatten([
    for f in local.rendered_filters : [for name in f.event_names : name if !contains(var.event_names, name)]
  ]))

  oversized_patterns = [for p in local.filter_patterns : p if length(p) > 4096]

  function_response_types = var.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
}

locals {
  # The rules output mapping's precondition enforces. The pattern-level rules
  # only run once the filters themselves are valid: a malformed condition would
  # otherwise also fail them, and one mistake would read as several.
  pattern_count = length(local.filter_patterns)
  problems = concat(
    local.filter_problems,
    length(local.filter_problems) > 0 ? [] : compact([
      local.pattern_count > var.filters_per_mapping_quota ? "The mapping would get ${local.pattern_count} filter patterns (filters plus raw_filter_patterns), more than filters_per_mapping_quota (${var.filters_per_mapping_quota}). Lambda's quota \"Filters per event source mapping\" is 5 by default and at most 10 after a quota increase: merge conditions (equals takes a list of alternatives), or request the increase and set filters_per_mapping_quota to the granted value." : null,
      length(distinct(local.filter_patterns)) != local.pattern_count ? "Two filter patterns are identical (filters and raw_filter_patterns render the same JSON); the mapping keeps a set of patterns, so remove the duplicate." : null,
      length(local.oversized_patterns) > 0 ? "A rendered filter pattern is longer than 4096 characters, Lambda's limit per pattern: shorten its value lists or split it into several filters. Offending pattern starts: ${substr(join(" | ", local.oversized_patterns), 0, 200)}" : null,
      local.uses_new_image && contains(["KEYS_ONLY", "OLD_IMAGE"], var.stream_view_type) ? "filters put conditions on new_image, but stream_view_type ${var.stream_view_type} records carry no NewImage, so the filter would never match. Use NEW_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only." : null,
      local.uses_old_image && contains(["KEYS_ONLY", "NEW_IMAGE"], var.stream_view_type) ? "filters put conditions on old_image, but stream_view_type ${var.stream_view_type} records carry no OldImage, so the filter would never match. Use OLD_IMAGE or NEW_AND_OLD_IMAGES, or filter on keys only." : null,
      length(local.filter_event_names_outside) > 0 ? "filters[*].event_names contains ${join(", ", local.filter_event_names_outside)}, which is not in event_names (${join(", ", var.event_names)}); a filter can only narrow event_names. Add it to event_names or remove it from the filter." : null,
    ]),
    local.raw_pattern_problems,
  )
}
