# The never-matches checks of `python -m pipeline filter lint`
# (pipeline/filters/lint.py) that can be decided on a raw pattern at plan time,
# with the same wording. Lambda validates only a pattern's syntax, so each of
# these would otherwise be accepted and then drop every record in silence.
# They read the fixed record shape dynamodb.<image>.<attribute>.<type>;
# alternatives under "$or" are left to `filter lint`.
locals {
  raw_attributes = flatten([for p in local.raw_patterns : [
    for image in values(local.image_sections) : [
      for attribute, value in try({ for k, v in jsondecode(p.pattern).dynamodb[image] : k => v }, {}) : {
        pattern = p
        name    = attribute
        value   = value
        # $.a.b or $.a["odd key"], as pipeline.filters.rules.json_path writes it.
        path = "$.dynamodb.${image}${can(regex("^[A-Za-z_][A-Za-z0-9_-]*$", attribute)) ? ".${attribute}" : "[${jsonencode(attribute)}]"}"
        # A list right under the attribute: no type key (S, N, ...) in between.
        untyped      = can(concat(value, []))
        exists       = try([for v in value : v.exists if can(v.exists)], [])
        exists_found = length(try([for v in value : v.exists if can(v.exists)], [])) > 0
        # The type the values suggest, as filter lint guesses it, for the fix.
        guessed_type = (
          anytrue([for v in try(concat(value, []), []) : contains(["true", "false"], jsonencode(v))]) ? "BOOL" :
          anytrue([for v in try(concat(value, []), []) : can(v.numeric) || try(jsonencode(v) == jsonencode(tonumber(v)), false)]) ? "N" : "S"
        )
        typed_example = [for v in try(concat(value, []), []) : jsondecode(try(jsonencode(v) == jsonencode(tonumber(v)), false) ? jsonencode(tostring(v)) : jsonencode(v))]
      }
    ]
  ]])

  raw_number_values = flatten([for a in local.raw_attributes : [
    for type_key in ["N", "NS"] : [
      for index, v in try(concat(a.value[type_key], []), []) : {
        pattern = a.pattern
        path    = "${a.path}.${type_key}[${index}]"
        type    = type_key
        numeric = can(v.numeric)
        # A JSON number, not the string DynamoDB sends ("42" stays a string).
        number = try(jsonencode(v) == jsonencode(tonumber(v)), false)
        text   = jsonencode(v)
      }
    ]
  ]])

  # Pattern by pattern, in the order filter lint reports them.
  raw_findings = flatten([for p in local.raw_patterns : concat(
    [for a in local.raw_attributes : {
      pattern = p
      check   = a.exists_found ? "exists_on_attribute" : "untyped_value"
      path    = a.path
      message = a.exists_found ? (
        "exists on attribute '${a.name}' tests the attribute object, which is never a leaf, so it ${contains(a.exists, false) ? "always matches (even when the attribute is present)" : "never matches"}; put exists on the type key: {\"${a.name}\": {\"S\": [{\"exists\": ${jsonencode(a.exists[0])}}]}} (use the attribute's type)"
        ) : (
        "attribute values are typed in stream records, so '${a.name}' is an object like {\"${a.guessed_type}\": ...} and this never matches; write {\"${a.name}\": {\"${a.guessed_type}\": ${jsonencode(a.typed_example)}}}"
      )
    } if a.pattern.index == p.index && a.untyped],
    [for v in local.raw_number_values : {
      pattern = p
      check   = "numeric_on_n"
      path    = v.numeric ? "${v.path}.numeric" : v.path
      message = v.numeric ? "numeric never matches a DynamoDB ${v.type} value: stream records carry numbers as strings ({\"N\": \"101\"}). Match exact strings ([\"101\"]), a prefix, or anything-but, or filter numerically in the function" : "the number ${v.text} never matches: ${v.type} values are strings; write ${jsonencode(v.text)}"
    } if v.pattern.index == p.index && (v.numeric || v.number)],
    can(jsondecode(p.pattern).data) ? [{
      pattern = p
      check   = "data_key"
      path    = "$.data"
      message = "'data' is the payload key of Kinesis records; DynamoDB records have none, so this never matches. Address item attributes under dynamodb.NewImage/OldImage/Keys, e.g. {\"dynamodb\": {\"NewImage\": {\"status\": {\"S\": [\"NEW\"]}}}}"
    }] : [],
  )])

  # What the checks found, pattern by pattern, and whether skip_checks waives it.
  raw_filter_pattern_findings = [for f in local.raw_findings : {
    index   = f.pattern.index
    check   = f.check
    path    = f.path
    message = f.message
    skipped = contains(f.pattern.skip, f.check)
  }]

  raw_pattern_problems = [
    for f in local.raw_filter_pattern_findings :
    "raw_filter_patterns[${f.index}] ${f.path}: ${f.message}. If the pattern is meant to match this way, give it as { pattern = ..., skip_checks = [\"${f.check}\"] }." if !f.skipped
  ]
}
