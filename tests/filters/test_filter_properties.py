"""Property tests (hypothesis) for the matcher and the linter.

Every expectation here is derived without the code under test: from the generator's own
construction (a pattern built from a record's values must match it, and must stop matching once
that value is replaced; a fault planted at a known spot must be reported at that spot), from plain
Python (comparisons), or from ``tests/filters/filter_oracle.py``, a separate plain model of the rule
language written from the Lambda documentation.
"""

from __future__ import annotations

import copy
import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.filters.lint import Finding, lint_filters, lint_pattern
from pipeline.filters.rules import CompiledPattern, FilterCriteria, FilterPatternError, compile_pattern
from tests.filters import filter_oracle as oracle

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
scalars = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | finite_floats | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)
field_names = st.text(min_size=1, max_size=6).filter(lambda name: not name.startswith("$"))
# Longer than any generated text (max_size=8), so it equals no generated value.
FOREIGN_VALUE = "<replaced value>"


def _compile(pattern: dict[str, Any]) -> CompiledPattern:
    return compile_pattern(json.dumps(pattern))


def test_oracle_agrees_with_hand_derived_cases() -> None:
    """The oracle itself is right on the traps of the rule language (hand-derived, see doc cases)."""
    cases: list[tuple[dict[str, Any], Any, bool]] = [
        ({"a": [True]}, {"a": 1}, False),  # booleans are not numbers
        ({"a": [1]}, {"a": 1.0}, True),
        ({"a": [None]}, {}, False),  # null is not absence
        ({"a": [{"exists": False}]}, {"a": []}, True),  # an empty array holds no leaf
        ({"a": [{"exists": True}]}, {"a": {"b": 1}}, False),  # an object is not a leaf
        ({"a": [{"anything-but": "x"}]}, {}, False),  # anything-but needs a present value
        ({"a": [{"anything-but": "x"}]}, {"a": ["x", "y"]}, True),  # any element may match
        ({"a": {"b": [{"exists": False}]}}, {"c": 1}, True),  # an absent parent: b is absent too
        ({"a": {"b": ["x"], "c": [1]}}, {"a": [{"b": "x", "c": 2}, {"b": "y", "c": 1}]}, False),
        ({"a": {"b": ["x"], "c": [1]}}, {"a": [{"b": "y"}, {"b": "x", "c": 1}]}, True),
        ({"a": [{"numeric": [">", 1]}]}, {"a": "2"}, False),  # numeric never matches strings
        ({"a": [{"prefix": {"equals-ignore-case": "AB"}}]}, {"a": "abc"}, True),
        ({"$or": [{"a": ["x"]}, {"b": ["y"]}], "c": [1]}, {"b": "y"}, False),
        ({"a": [{"exists": False}]}, "not an object", True),
    ]
    for pattern, record, expected in cases:
        assert oracle.faults(pattern) == []
        assert oracle.matches(pattern, record) is expected, (pattern, record)


# --------------------------------------------------------------------------------------------------
# A pattern built from a record's own values matches it, and stops matching once one is replaced
# --------------------------------------------------------------------------------------------------

# Records whose leaves are scalars or lists of scalars, as DynamoDB-shaped JSON is.
leaf_values = scalars | st.lists(scalars, min_size=1, max_size=3)
records = st.recursive(
    st.dictionaries(field_names, leaf_values, min_size=1, max_size=4),
    lambda children: st.dictionaries(field_names, children | leaf_values, min_size=1, max_size=4),
    max_leaves=12,
)

_Path = tuple[str, ...]


def _leaf_paths(obj: dict[str, Any], prefix: _Path = ()) -> list[tuple[_Path, Any]]:
    paths: list[tuple[_Path, Any]] = []
    for key, value in obj.items():
        if isinstance(value, dict):
            paths.extend(_leaf_paths(value, (*prefix, key)))
        else:
            paths.append(((*prefix, key), value))
    return paths


def _pattern_for(paths: list[tuple[_Path, Any]]) -> dict[str, Any]:
    pattern: dict[str, Any] = {}
    for path, value in paths:
        node = pattern
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = [value[0] if isinstance(value, list) else value]
    return pattern


def _replaced(record: dict[str, Any], path: _Path, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def _look_alikes(value: Any) -> list[Any]:
    """Values of another JSON kind that read like ``value``: equality must tell them apart."""
    if value is None:
        return ["", "null", 0, False]
    if isinstance(value, bool):
        return [int(value), json.dumps(value), str(value)]
    if isinstance(value, int | float):
        return [str(value), json.dumps(value), *([bool(value)] if value in (0, 1) else [])]
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    return [None] if isinstance(parsed, str) else [None, parsed]


@SETTINGS
@given(record=records, data=st.data())
def test_exact_pattern_from_record_matches_it(record: dict[str, Any], data: st.DataObject) -> None:
    """Equality on chosen leaves matches the record they came from, an integer also as the equal
    float. Replacing one of those leaves makes the record fail, by construction: with a string
    longer than any generated one, or with a look-alike of another JSON kind (true vs 1, 1 vs "1",
    null vs "")."""
    paths = _leaf_paths(record)
    chosen = data.draw(
        st.lists(st.sampled_from(paths), min_size=1, max_size=len(paths), unique_by=lambda p: p[0])
    )
    pattern = _compile(_pattern_for(chosen))
    assert pattern.matches(record)
    broken_path, value = data.draw(st.sampled_from(chosen))
    value = value[0] if isinstance(value, list) else value
    assert not pattern.matches(_replaced(record, broken_path, FOREIGN_VALUE))
    assert not pattern.matches(_replaced(record, broken_path, [FOREIGN_VALUE, FOREIGN_VALUE]))
    for other in _look_alikes(value):
        assert not pattern.matches(_replaced(record, broken_path, other)), (value, other)
    if isinstance(value, int) and not isinstance(value, bool):
        assert pattern.matches(_replaced(record, broken_path, float(value)))


typed_values = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=10)),
    st.builds(lambda n: {"N": str(n)}, st.integers(-(10**9), 10**9)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda ss: {"SS": ss}, st.lists(st.text(max_size=5), min_size=1, max_size=3, unique=True)),
)
images = st.dictionaries(field_names, typed_values, min_size=1, max_size=5)


def _stream_record(name: str, image: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventID": "0" * 32,
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {"ApproximateCreationDateTime": 1.7e9, "NewImage": image, "SizeBytes": 10},
    }


@SETTINGS
@given(image=images, name=st.sampled_from(["INSERT", "MODIFY", "REMOVE"]))
def test_typed_image_pattern_matches_and_untyped_never_does(image: dict[str, Any], name: str) -> None:
    record = _stream_record(name, image)
    typed = {
        attr: {
            type_key: [value[0] if isinstance(value, list) else value]
            for type_key, value in typed_value.items()
        }
        for attr, typed_value in image.items()
    }
    assert _compile({"eventName": [name], "dynamodb": {"NewImage": typed}}).matches(record)
    attr, typed_value = next(iter(image.items()))
    (raw,) = typed_value.values()
    untyped = {"dynamodb": {"NewImage": {attr: [raw[0] if isinstance(raw, list) else raw]}}}
    assert not _compile(untyped).matches(record)  # the attribute is an object, never a leaf


def _python_compare(op: str, value: float, bound: float) -> bool:
    return {
        "=": value == bound,
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
    }[op]


@SETTINGS
@given(number=st.integers(-(10**9), 10**9), bound=st.integers(-(10**9), 10**9))
def test_numeric_never_matches_dynamodb_n(number: int, bound: int) -> None:
    """N values are JSON strings, so numeric never matches them; the same comparison on the JSON
    number ApproximateCreationDateTime does match when plain Python says it holds."""
    record = _stream_record("INSERT", {"n": {"N": str(number)}})
    record["dynamodb"]["ApproximateCreationDateTime"] = number
    for op in ("=", "<", "<=", ">", ">="):
        on_n = {"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [op, bound]}]}}}}
        assert not _compile(on_n).matches(record)
        on_time = {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [op, bound]}]}}
        assert _compile(on_time).matches(record) is _python_compare(op, number, bound)


# --------------------------------------------------------------------------------------------------
# Operator properties against plain Python
# --------------------------------------------------------------------------------------------------

plain_values = st.text(max_size=8) | st.integers(-1000, 1000) | finite_floats


@SETTINGS
@given(value=plain_values, data=st.data())
def test_anything_but_never_matches_its_own_value(value: Any, data: st.DataObject) -> None:
    same_kind = st.text(max_size=8) if isinstance(value, str) else st.integers(-1000, 1000) | finite_floats
    others = data.draw(st.lists(same_kind, max_size=3))
    pattern = _compile({"f": [{"anything-but": [value, *others]}]})
    assert not pattern.matches({"f": value})
    assert not pattern.matches({"f": [value, value]})
    assert not pattern.matches({})


@SETTINGS
@given(value=plain_values, other=plain_values)
def test_anything_but_matches_every_other_value(value: Any, other: Any) -> None:
    assume(json.dumps(value) != json.dumps(other) and not (value == other and type(value) is not type(other)))
    same_number = isinstance(value, int | float) and isinstance(other, int | float) and value == other
    assume(not same_number)
    assert _compile({"f": [{"anything-but": value}]}).matches({"f": other})


@SETTINGS
@given(head=st.text(max_size=6), tail=st.text(max_size=6))
def test_prefix_and_suffix_of_a_string_match_it(head: str, tail: str) -> None:
    record = {"f": head + tail}
    assert _compile({"f": [{"prefix": head}]}).matches(record)
    assert _compile({"f": [{"suffix": tail}]}).matches(record)
    assert _compile({"f": [{"prefix": head + tail + "x"}]}).matches(record) is False


@SETTINGS
@given(text=st.text(alphabet=string.ascii_letters + string.digits + " -_", max_size=12))
def test_equals_ignore_case_matches_any_ascii_casing(text: str) -> None:
    pattern = _compile({"f": [{"equals-ignore-case": text.upper()}]})
    assert pattern.matches({"f": text.lower()})
    assert pattern.matches({"f": text.swapcase()})
    assert not pattern.matches({"f": text + "!"})


lower_ops = st.sampled_from([">", ">="])
upper_ops = st.sampled_from(["<", "<="])
bounds = st.integers(-50, 50) | st.floats(-50, 50, allow_nan=False)


@SETTINGS
@given(
    low=st.none() | st.tuples(lower_ops, bounds),
    high=st.none() | st.tuples(upper_ops, bounds),
    value=st.integers(-60, 60) | st.floats(-60, 60, allow_nan=False),
    upper_first=st.booleans(),
)
def test_numeric_range_agrees_with_python(
    low: tuple[str, float] | None, high: tuple[str, float] | None, value: float, upper_first: bool
) -> None:
    parts = [p for p in ((high, low) if upper_first else (low, high)) if p is not None]
    assume(parts)
    if low and high:
        assume(low[1] <= high[1])  # an inverted range is rejected at compile time
    spec = [item for part in parts for item in part]
    expected = all(_python_compare(op, value, bound) for op, bound in parts)
    assert _compile({"price": [{"numeric": spec}]}).matches({"price": value}) is expected
    assert _compile({"price": [{"numeric": spec}]}).matches({"price": str(value)}) is False


@SETTINGS
@given(bound=bounds, value=st.integers(-60, 60) | st.floats(-60, 60, allow_nan=False))
def test_numeric_equals_agrees_with_python(bound: float, value: float) -> None:
    assert _compile({"n": [{"numeric": ["=", bound]}]}).matches({"n": value}) is (value == bound)


# --------------------------------------------------------------------------------------------------
# Combining filters, checked against the oracle
# --------------------------------------------------------------------------------------------------

small_fields = st.sampled_from(["a", "b", "c"])
small_literals = st.sampled_from(["x", "y", "", 1, 2.5, None, True])
small_operators = st.one_of(
    small_literals,
    st.builds(lambda p: {"prefix": p}, st.sampled_from(["", "x", "xy"])),
    st.builds(lambda s: {"suffix": s}, st.sampled_from(["", "x", "xy"])),
    st.builds(lambda v: {"anything-but": v}, st.sampled_from(["x", 1])),
    st.builds(lambda e: {"exists": e}, st.booleans()),
    st.builds(lambda b: {"numeric": [">", b]}, st.integers(0, 3)),
)
small_leaf = st.lists(small_operators, min_size=1, max_size=3)
small_patterns = st.recursive(
    st.dictionaries(small_fields, small_leaf, min_size=1, max_size=3),
    lambda children: st.dictionaries(small_fields, children | small_leaf, min_size=1, max_size=3),
    max_leaves=6,
)
small_texts = st.sampled_from(["x", "y", "", "xy", "yx"])
small_records = st.recursive(
    st.dictionaries(
        small_fields,
        small_literals | small_texts | st.lists(small_literals | small_texts, max_size=2),
        max_size=3,
    ),
    lambda children: st.dictionaries(
        small_fields, children | small_literals | st.lists(children, min_size=1, max_size=2), max_size=3
    ),
    max_leaves=8,
)


@SETTINGS
@given(patterns=st.lists(small_patterns, max_size=5), record=small_records)
def test_filter_criteria_is_or_of_filters(patterns: list[dict[str, Any]], record: dict[str, Any]) -> None:
    """A record passes when ANY filter matches it (the oracle decides each), none means pass all."""
    criteria = FilterCriteria([json.dumps(p) for p in patterns])
    expected = [index for index, pattern in enumerate(patterns) if oracle.matches(pattern, record)]
    assert criteria.matching_filters(record) == expected
    assert criteria.matches(record) is (bool(expected) if patterns else True)


@SETTINGS
@given(first=small_patterns, second=small_patterns, record=small_records)
def test_dollar_or_is_or_of_alternatives(
    first: dict[str, Any], second: dict[str, Any], record: dict[str, Any]
) -> None:
    """``$or`` matches when one alternative does; each alternative is judged by the oracle."""
    expected = oracle.matches(first, record) or oracle.matches(second, record)
    assert _compile({"$or": [first, second]}).matches(record) is expected


@SETTINGS
@given(first=small_patterns, second=small_patterns, record=small_records)
def test_fields_are_anded(first: dict[str, Any], second: dict[str, Any], record: dict[str, Any]) -> None:
    """A pattern of two disjoint field sets matches when both halves do (oracle on each half)."""
    assume(not set(first) & set(second))
    expected = oracle.matches(first, record) and oracle.matches(second, record)
    assert _compile({**first, **second}).matches(record) is expected


@SETTINGS
@given(values=st.dictionaries(small_fields, small_literals, min_size=2, max_size=3), data=st.data())
def test_fields_of_one_pattern_object_hold_in_one_array_element(
    values: dict[str, Any], data: st.DataObject
) -> None:
    """Array consistency, by construction: when each array element holds only one of the pattern
    object's fields, no element holds them all and the record fails; one element holding all of
    them (anywhere in the array) makes it pass. The same inside a DynamoDB list of maps."""
    pattern = _compile({"items": {field: [value] for field, value in values.items()}})
    apart = data.draw(st.permutations([{field: value} for field, value in values.items()]))
    assert not pattern.matches({"items": apart})
    at = data.draw(st.integers(0, len(apart)))
    assert pattern.matches({"items": [*apart[:at], dict(values), *apart[at:]]})

    texts = {field: json.dumps(value) for field, value in values.items()}
    rows = {"rows": {"L": {"M": {field: {"S": [text]} for field, text in texts.items()}}}}
    typed = _compile({"dynamodb": {"NewImage": rows}})
    apart_rows = [{"M": {field: {"S": text}}} for field, text in texts.items()]
    whole_row = {"M": {field: {"S": text} for field, text in texts.items()}}
    assert not typed.matches(_stream_record("INSERT", {"rows": {"L": apart_rows}}))
    assert typed.matches(_stream_record("INSERT", {"rows": {"L": [*apart_rows, whole_row]}}))


# --------------------------------------------------------------------------------------------------
# Arbitrary records, and junk patterns
# --------------------------------------------------------------------------------------------------


def _any_json_of(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(
        small_fields | st.text(max_size=3), children, max_size=4
    )


# Any JSON, with keys that the small patterns address, arrays of objects included.
any_records = st.recursive(scalars | small_texts, _any_json_of, max_leaves=20)


@SETTINGS
@given(pattern=small_patterns, record=any_records)
def test_matcher_agrees_with_the_oracle_on_arbitrary_records(pattern: dict[str, Any], record: Any) -> None:
    """On any JSON value (objects, arrays of objects, nested arrays, scalars, non-objects) the
    matcher and FilterCriteria decide exactly as the oracle does: leaf-only comparison, any array
    element, array consistency for objects, exists on absent or non-leaf fields, type-strict
    equality, prefix/suffix on strings only."""
    expected = oracle.matches(pattern, record)
    assert _compile(pattern).matches(record) is expected
    assert FilterCriteria([json.dumps(pattern)]).matches(record) is expected


operator_junk = st.dictionaries(
    st.sampled_from(
        ["prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "wildcard", "x"]
    ),
    json_values,
    max_size=2,
)
junk_keys = st.sampled_from(["a", "$or", "dynamodb", "NewImage", "S", "N", "$x"])


def _junk_of(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children | operator_junk, max_size=3) | st.dictionaries(junk_keys, children, max_size=3)


pattern_junk = st.recursive(json_values | operator_junk, _junk_of, max_leaves=15)


def _check_compile(text: str) -> None:
    """compile_pattern accepts exactly what the oracle finds no fault in; otherwise it raises a
    FilterPatternError (that very class) whose message names a JSON path of the pattern at one of
    the oracle's faults."""
    found = oracle.text_faults(text)
    if not found:
        compiled = compile_pattern(text)
        assert compiled.source == text
        assert compiled.pattern == json.loads(text)
        return
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(text)
    error = raised.value
    assert type(error) is FilterPatternError
    assert oracle.explained(error.path, found), (error.path, found)
    assert error.filter_index is None
    assert error.problem
    assert str(error) == f"Invalid filter pattern (at {error.path}): {error.problem}"
    if error.path != "$":
        assert oracle.names_a_node(json.loads(text), error.path), error.path


@SETTINGS
@given(junk=pattern_junk)
def test_junk_patterns_compile_or_raise_filter_pattern_error(junk: Any) -> None:
    _check_compile(json.dumps(junk))


@SETTINGS
@given(text=st.text(max_size=40) | st.text(alphabet='{}[]":,0123456789.-+eEtruefalsn \\', max_size=40))
def test_junk_text_compiles_or_raises_filter_pattern_error(text: str) -> None:
    _check_compile(text)


def test_deeply_nested_pattern_is_a_clear_error() -> None:
    """Nesting that overflows the JSON parser is reported at the pattern itself, not a crash."""
    for text in ('{"a":' * 5000 + "[1]" + "}" * 5000, "[" * 100_000 + "]" * 100_000):
        with pytest.raises(FilterPatternError) as raised:
            compile_pattern(text)
        assert type(raised.value) is FilterPatternError
        assert (raised.value.path, raised.value.problem) == ("$", "nested more than 40 levels deep")
        assert str(raised.value) == "Invalid filter pattern (at $): nested more than 40 levels deep"


def _is_length_error(finding: Finding) -> bool:
    return finding.path == "$" and finding.message.startswith("pattern is ")


def _without_length_error(findings: list[Finding], length: int) -> list[Finding]:
    """``findings`` less the length error, checked to be there exactly when the text is too long."""
    too_long = [f for f in findings if _is_length_error(f)]
    if length > 4096:
        assert [(f.severity, f.message.split(";")[0]) for f in too_long] == [
            ("error", f"pattern is {length} characters")
        ]
        assert "Lambda accepts at most 4096" in too_long[0].message
    else:
        assert too_long == []
    return [f for f in findings if not _is_length_error(f)]


CRITERIA_SHAPE = 'a FilterCriteria needs "Filters": a list of {"Pattern": "..."}'
FILTER_SHAPE = 'each filter must be {"Pattern": "..."}'


# Valid patterns shaped like DynamoDB ones, right and wrong (untyped attributes, unknown type keys,
# a key that needs quoting in a path): lint has findings to place in them.
_attribute_values = small_leaf | st.dictionaries(
    st.sampled_from(["S", "N", "BOOL", "NULL", "M", "L", "X"]), small_leaf, min_size=1, max_size=2
)
ddb_patterns = st.fixed_dictionaries(
    {
        "dynamodb": st.fixed_dictionaries(
            {
                "NewImage": st.dictionaries(
                    st.sampled_from(["status", "age", "a b"]), _attribute_values, min_size=1, max_size=2
                )
            },
            optional={"SizeBytes": small_leaf, "Image": small_leaf},
        )
    },
    optional={"eventName": small_leaf, "a": small_leaf},
)


@SETTINGS
@given(junk=pattern_junk | small_patterns | ddb_patterns | st.text(max_size=30))
def test_lint_reports_junk_exactly(junk: Any) -> None:
    """lint never raises. Text over 4096 characters gets exactly one length error. Besides it, a
    pattern the oracle faults yields exactly one error finding, at a path the oracle explains; a
    valid one yields findings that each point at a real node of the pattern. Each filter of a list
    is linted on its own, and a "Filters" that is not a list of {"Pattern": ...} yields the shape
    errors, one per bad item (none of these junk items has one)."""
    text = junk if isinstance(junk, str) else json.dumps(junk)
    found = oracle.text_faults(text)
    findings = _without_length_error(lint_pattern(text, 0), len(text))
    if found:
        assert len(findings) == 1, [f.format() for f in findings]
        (finding,) = findings
        assert (finding.severity, finding.filter_index) == ("error", 0)
        assert oracle.explained(finding.path, found), (finding.path, found)
        assert finding.message
    else:
        pattern = json.loads(text)
        for finding in findings:
            assert finding.severity in ("error", "warning")
            assert finding.filter_index == 0
            assert oracle.names_a_node(pattern, finding.path), finding.path
            assert finding.message
    # The same pattern given parsed (lint serialises it itself, so its length may differ).
    unlocated = [Finding(f.severity, f.path, f.message) for f in findings]
    assert [f for f in lint_pattern(junk) if not _is_length_error(f)] == unlocated
    twice = [Finding(f.severity, f.path, f.message, index) for index in (0, 1) for f in unlocated]
    assert [f for f in lint_filters([junk, junk]) if not _is_length_error(f)] == twice

    shape = [(f.severity, f.path, f.filter_index, f.message) for f in lint_filters({"Filters": junk})]
    if not isinstance(junk, list):
        assert shape == [("error", "$", None, CRITERIA_SHAPE)]
        return
    expected = [("error", "$", index, FILTER_SHAPE) for index in range(len(junk))]
    if len(junk) > 5:
        assert shape[:-1] == expected
        assert shape[-1][:3] == ("error", "$", None)
        assert shape[-1][3].startswith(f"{len(junk)} filters; an event source mapping takes at most 5 ")
    else:
        assert shape == expected


# --------------------------------------------------------------------------------------------------
# One fault planted at a known spot of a valid pattern is reported at exactly that spot
# --------------------------------------------------------------------------------------------------

# (case, where, value, path suffix, words of the message). "leaf": the value replaces a leaf list;
# "match": it is inserted into a leaf list (the path gains its index); "key:K": it is put under key K
# of a pattern object.
FAULTS: list[tuple[str, str, Any, str, str]] = [
    ("empty-list", "leaf", [], "", "an empty list matches nothing"),
    ("bare-value", "leaf", "x", "", 'match values must be in a list, e.g. ["x"]'),
    ("empty-object", "leaf", {}, "", "an empty object matches nothing"),
    ("nested-list", "match", ["x"], "", "match values cannot be nested lists"),
    ("unknown-operator", "match", {"contains": "x"}, ".contains", "unknown operator 'contains'"),
    ("wildcard", "match", {"wildcard": "x*"}, ".wildcard", "wildcard matching is not part of Lambda's"),
    ("two-operators", "match", {"prefix": "x", "suffix": "y"}, "", "exactly one operator"),
    ("exists-string", "match", {"exists": "yes"}, ".exists", "exists takes true or false"),
    ("prefix-number", "match", {"prefix": 7}, ".prefix", "expected a string, got a number"),
    ("numeric-inverted", "match", {"numeric": [">", 5, "<", 1]}, ".numeric", "numeric range is empty"),
    ("numeric-bad-op", "match", {"numeric": ["!=", 1]}, ".numeric[0]", "numeric operator must be one of"),
    ("numeric-string", "match", {"numeric": [">", "1"]}, ".numeric[1]", "numeric bound must be a finite"),
    ("numeric-two-lower", "match", {"numeric": [">", 1, ">=", 2]}, ".numeric[2]", "at most one lower"),
    ("anything-but-mixed", "match", {"anything-but": ["x", 1]}, ".anything-but", "only strings or only"),
    ("anything-but-empty", "match", {"anything-but": []}, ".anything-but", "needs at least one value"),
    ("dollar-and", "key:$and", [{"a": ["x"]}, {"b": ["y"]}], '["$and"]', "unknown keyword '$and'"),
    ("lonely-or", "key:$or", [{"a": ["x"]}], ".$or", "$or needs a list of at least two pattern objects"),
    ("or-scalar", "key:$or", [{"a": ["x"]}, "b"], ".$or[1]", "each $or alternative must be a pattern"),
]


def _spots(pattern: dict[str, Any], at: _Path = ()) -> tuple[list[_Path], list[_Path]]:
    """(paths of the pattern objects, paths of the leaf lists), the root object being ()."""
    objects, leaves = [at], []
    for key, value in pattern.items():
        if isinstance(value, dict):
            inner_objects, inner_leaves = _spots(value, (*at, key))
            objects += inner_objects
            leaves += inner_leaves
        else:
            leaves.append((*at, key))
    return objects, leaves


def _node(pattern: dict[str, Any], path: _Path) -> Any:
    for key in path:
        pattern = pattern[key]
    return pattern


@pytest.mark.parametrize(
    "fault",
    [pytest.param((where, value, suffix, words), id=case) for case, where, value, suffix, words in FAULTS],
)
@settings(SETTINGS, max_examples=25)
@given(pattern=small_patterns, data=st.data())
def test_a_planted_fault_is_reported_where_it_was_planted(
    fault: tuple[str, Any, str, str], pattern: dict[str, Any], data: st.DataObject
) -> None:
    """Every kind of fault, planted once at a drawn spot of a valid pattern: compile_pattern,
    FilterCriteria and lint all name exactly that spot (the path is written out from the
    construction: fields are a/b/c, so ``$.a.b[2].prefix``) and its problem; the pattern without the
    fault compiles."""
    where, value, suffix, words = fault
    broken = copy.deepcopy(pattern)
    objects, leaves = _spots(pattern)
    if where.startswith("key:"):
        at = data.draw(st.sampled_from(objects))
        _node(broken, at)[where.removeprefix("key:")] = copy.deepcopy(value)
    else:
        at = data.draw(st.sampled_from(leaves))
        parent = _node(broken, at[:-1])
        if where == "leaf":
            parent[at[-1]] = copy.deepcopy(value)
        else:
            position = data.draw(st.integers(0, len(parent[at[-1]])))
            parent[at[-1]].insert(position, copy.deepcopy(value))
            suffix = f"[{position}]{suffix}"
    path = "$" + "".join(f".{key}" for key in at) + suffix
    text = json.dumps(broken)
    assert compile_pattern(json.dumps(pattern)).pattern == pattern
    assert oracle.faults(pattern) == []
    (planted,) = oracle.faults(broken)
    assert planted.explains(path)

    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(text)
    assert type(raised.value) is FilterPatternError
    assert raised.value.path == path
    assert words in raised.value.problem
    assert str(raised.value) == f"Invalid filter pattern (at {path}): {raised.value.problem}"

    with pytest.raises(FilterPatternError) as in_criteria:
        FilterCriteria([json.dumps(pattern), text])
    assert (in_criteria.value.filter_index, in_criteria.value.path) == (1, path)
    assert str(in_criteria.value).startswith(f"Invalid filter pattern (filter 1, at {path}): ")

    (finding,) = lint_pattern(text, 2)
    assert (finding.severity, finding.path, finding.filter_index) == ("error", path, 2)
    assert words in finding.message
