"""Property tests (hypothesis) for the matcher and the linter.

The oracle for each property is either the record itself (a pattern built from a record's own
values must match it), plain Python (comparisons, any()), or the contract that bad input only ever
raises FilterPatternError and that lint never raises at all.
"""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.filter_lint import Finding, lint_filters, lint_pattern
from pipeline.filter_rules import CompiledPattern, FilterCriteria, FilterPatternError, compile_pattern

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


def _compile(pattern: dict[str, Any]) -> CompiledPattern:
    return compile_pattern(json.dumps(pattern))


# --------------------------------------------------------------------------------------------------
# A pattern built from a record's own values always matches that record
# --------------------------------------------------------------------------------------------------

# Records whose leaves are scalars or lists of scalars, as DynamoDB-shaped JSON is.
leaf_values = scalars | st.lists(scalars, min_size=1, max_size=3)
records = st.recursive(
    st.dictionaries(field_names, leaf_values, min_size=1, max_size=4),
    lambda children: st.dictionaries(field_names, children | leaf_values, min_size=1, max_size=4),
    max_leaves=12,
)


def _leaf_paths(obj: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    paths: list[tuple[tuple[str, ...], Any]] = []
    for key, value in obj.items():
        if isinstance(value, dict):
            paths.extend(_leaf_paths(value, (*prefix, key)))
        else:
            paths.append(((*prefix, key), value))
    return paths


def _pattern_for(paths: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    pattern: dict[str, Any] = {}
    for path, value in paths:
        node = pattern
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = [value[0] if isinstance(value, list) else value]
    return pattern


@SETTINGS
@given(record=records, data=st.data())
def test_exact_pattern_from_record_matches_it(record: dict[str, Any], data: st.DataObject) -> None:
    paths = _leaf_paths(record)
    chosen = data.draw(
        st.lists(st.sampled_from(paths), min_size=1, max_size=len(paths), unique_by=lambda p: p[0])
    )
    pattern = _pattern_for(chosen)
    assert _compile(pattern).matches(record)


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


@SETTINGS
@given(number=st.integers(-(10**9), 10**9), bound=st.integers(-(10**9), 10**9))
def test_numeric_never_matches_dynamodb_n(number: int, bound: int) -> None:
    record = _stream_record("INSERT", {"n": {"N": str(number)}})
    for op in ("=", "<", "<=", ">", ">="):
        assert not _compile({"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [op, bound]}]}}}}).matches(
            record
        )


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


def _python_compare(op: str, value: float, bound: float) -> bool:
    return {
        "=": value == bound,
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
    }[op]


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
# Combining filters
# --------------------------------------------------------------------------------------------------

small_fields = st.sampled_from(["a", "b", "c"])
small_literals = st.sampled_from(["x", "y", "", 1, 2.5, None, True])
small_operators = st.one_of(
    small_literals,
    st.builds(lambda p: {"prefix": p}, st.sampled_from(["", "x", "y"])),
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
small_records = st.recursive(
    st.dictionaries(small_fields, small_literals | st.lists(small_literals, max_size=2), max_size=3),
    lambda children: st.dictionaries(small_fields, children | small_literals, max_size=3),
    max_leaves=8,
)


@SETTINGS
@given(patterns=st.lists(small_patterns, max_size=5), record=small_records)
def test_filter_criteria_is_or_of_filters(patterns: list[dict[str, Any]], record: dict[str, Any]) -> None:
    criteria = FilterCriteria([json.dumps(p) for p in patterns])
    individual = [_compile(p).matches(record) for p in patterns]
    assert criteria.matches(record) is (any(individual) if patterns else True)
    assert criteria.matching_filters(record) == [i for i, hit in enumerate(individual) if hit]


@SETTINGS
@given(first=small_patterns, second=small_patterns, record=small_records)
def test_dollar_or_is_or_of_alternatives(
    first: dict[str, Any], second: dict[str, Any], record: dict[str, Any]
) -> None:
    combined = _compile({"$or": [first, second]})
    assert combined.matches(record) is (_compile(first).matches(record) or _compile(second).matches(record))


@SETTINGS
@given(first=small_patterns, second=small_patterns, record=small_records)
def test_fields_are_anded(first: dict[str, Any], second: dict[str, Any], record: dict[str, Any]) -> None:
    assume(not set(first) & set(second))
    both = _compile({**first, **second})
    assert both.matches(record) is (_compile(first).matches(record) and _compile(second).matches(record))


# --------------------------------------------------------------------------------------------------
# Robustness: junk in, a clear error (or a valid compile) out; never a crash
# --------------------------------------------------------------------------------------------------


@SETTINGS
@given(pattern=small_patterns, record=json_values)
def test_matcher_never_raises_on_arbitrary_records(pattern: dict[str, Any], record: Any) -> None:
    compiled = _compile(pattern)
    assert compiled.matches(record) in (True, False)
    assert FilterCriteria([json.dumps(pattern)]).matches(record) in (True, False)


operator_junk = st.dictionaries(
    st.sampled_from(
        ["prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "wildcard", "x"]
    ),
    json_values,
    max_size=2,
)
pattern_junk = st.recursive(
    json_values | operator_junk,
    lambda children: (
        st.lists(children | operator_junk, max_size=3)
        | st.dictionaries(
            st.sampled_from(["a", "$or", "dynamodb", "NewImage", "S", "N", "$x"]), children, max_size=3
        )
    ),
    max_leaves=15,
)


def _outcome(text: str) -> CompiledPattern | FilterPatternError:
    try:
        return compile_pattern(text)
    except FilterPatternError as err:
        return err


def _compile_or_error(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, FilterPatternError):
        assert outcome.path.startswith("$")
        assert str(outcome).startswith("Invalid filter pattern")
    else:
        assert isinstance(outcome.pattern, dict)


@SETTINGS
@given(junk=pattern_junk)
def test_junk_patterns_compile_or_raise_filter_pattern_error(junk: Any) -> None:
    _compile_or_error(json.dumps(junk))


@SETTINGS
@given(text=st.text(max_size=40) | st.text(alphabet='{}[]":,0123456789.-+eEtruefalsn \\', max_size=40))
def test_junk_text_compiles_or_raises_filter_pattern_error(text: str) -> None:
    _compile_or_error(text)


def test_deeply_nested_pattern_is_a_clear_error() -> None:
    text = '{"a":' * 5000 + "[1]" + "}" * 5000
    _compile_or_error(text)
    nested_list = "[" * 100_000 + "]" * 100_000
    _compile_or_error(nested_list)


@SETTINGS
@given(junk=pattern_junk | st.text(max_size=30))
def test_lint_never_crashes_on_junk(junk: Any) -> None:
    findings = lint_pattern(junk if isinstance(junk, str) else json.dumps(junk), 0)
    assert all(isinstance(f, Finding) and f.severity in ("error", "warning") for f in findings)
    assert lint_pattern(junk) is not None
    listed = lint_filters([junk, junk])
    assert all(isinstance(f, Finding) for f in listed)
    as_criteria = lint_filters({"Filters": junk})
    assert all(isinstance(f, Finding) for f in as_criteria)


@SETTINGS
@given(junk=pattern_junk)
def test_lint_reports_exactly_the_compile_error(junk: Any) -> None:
    """An invalid pattern yields one error at the compiler's path; a valid one never that error."""
    text = json.dumps(junk)
    findings = lint_pattern(text)
    outcome = _outcome(text)
    if isinstance(outcome, FilterPatternError):
        assert any(
            f.severity == "error" and f.path == outcome.path and f.message == outcome.problem
            for f in findings
        )
    else:
        assert all(not f.message.startswith("not valid JSON") for f in findings)
