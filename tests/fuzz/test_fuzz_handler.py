"""Fuzzing the handler with malformed stream events (hypothesis).

Every generated record carries a label saying what the handler must do with it, derived from the
handler's documented behaviour (handler/batch.py, handler/record.py), not from running it:

* ``good``: a well-formed INSERT; it must succeed;
* ``skipped``: any record whose ``eventName`` is not an allowed name (INSERT), however broken the
  rest is; the guard skips it before deserializing, so it never fails;
* ``bad``: an INSERT the handler must fail: a structural defect (no ``dynamodb`` object, no Keys,
  no eventID, a bad ApproximateCreationDateTime), a junk attribute value anywhere in an image, or
  a processor failure.

Expected answer for a batch, stopping at the first failure (the default):

* the first record bad -> ``FirstRecordFailedError`` (a function error, so the mapping bisects);
* otherwise the first bad record without a usable ``dynamodb.SequenceNumber`` (including records
  that are not objects at all) -> ``UnreportableFailureError``: it cannot be named, so the whole
  batch fails;
* otherwise ``{"batchItemFailures": [...]}`` naming exactly the first bad record;
* with concurrency, records before the first bad one may not have started when it failed: the
  answer names the first record that did not succeed, which is at or before the first bad one.

Continuing after failures (Powertools' behaviour), concurrently or not:

* every record bad -> ``BatchProcessingError``;
* otherwise any bad record without a usable sequence number -> ``UnreportableFailureError``;
* otherwise ``{"batchItemFailures": [...]}`` naming exactly the bad records, in batch order.

Anything else raised is a crash, and fails the test.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handler.app import StreamHandler
from handler.batch import FirstRecordFailedError, UnreportableFailureError
from handler.config import FailureMode, HandlerConfig
from handler.processing import ProcessingContext
from handler.record import ChangeRecord

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POISON = "poison"  # an attribute name the random images never use (their names come from "abcdefgh")


def _processor(record: ChangeRecord, context: ProcessingContext) -> None:
    """Fails records whose new image carries the poison attribute: a business-logic failure."""
    if record.new_image is not None and POISON in record.new_image:
        raise RuntimeError("poisoned profile")


@pytest.fixture(
    scope="module",
    params=[("stop", 1), ("continue", 1), ("stop", 4), ("continue", 4)],
    ids=["stop", "continue", "stop-concurrent", "continue-concurrent"],
)
def stream_handler(request: pytest.FixtureRequest) -> StreamHandler:
    mode, concurrency = request.param
    config = HandlerConfig.from_environ(
        {
            "POWERTOOLS_LOG_LEVEL": "CRITICAL",
            "STREAM_HANDLER_FAILURE_MODE": mode,
            "STREAM_HANDLER_CONCURRENCY": str(concurrency),
        }
    )
    return StreamHandler(config, processor=_processor)


# --------------------------------------------------------------------------------------------------
# Valid DynamoDB attribute values
# --------------------------------------------------------------------------------------------------

names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
numbers = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
blobs = st.binary(max_size=12).map(lambda raw: base64.b64encode(raw).decode("ascii"))
leaf_values = st.one_of(
    st.text(max_size=8).map(lambda text: {"S": text}),
    numbers.map(lambda number: {"N": number}),
    blobs.map(lambda blob: {"B": blob}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
    st.just({"NULL": True}),
    st.lists(st.text(max_size=5), min_size=1, max_size=3, unique=True).map(lambda items: {"SS": items}),
    st.lists(numbers, min_size=1, max_size=3, unique=True).map(lambda items: {"NS": items}),
    st.lists(blobs, min_size=1, max_size=3, unique=True).map(lambda items: {"BS": items}),
)
attribute_values = st.recursive(
    leaf_values,
    lambda children: st.one_of(
        st.dictionaries(names, children, max_size=3).map(lambda mapping: {"M": mapping}),
        st.lists(children, max_size=3).map(lambda items: {"L": items}),
    ),
    max_leaves=8,
)
images = st.dictionaries(names, attribute_values, max_size=4)

# --------------------------------------------------------------------------------------------------
# Junk: each of these fails deserialization wherever it sits in an image
# --------------------------------------------------------------------------------------------------

junk_values: st.SearchStrategy[Any] = st.sampled_from(
    [
        {},
        {"X": "1"},
        {"S": "a", "N": "1"},
        {"S": 5},
        {"S": None},
        {"N": "abc"},
        {"N": 5},
        {"N": "NaN"},
        {"N": "Infinity"},
        {"N": ""},
        {"B": "not base64!"},
        {"B": 7},
        {"BOOL": "true"},
        {"NULL": False},
        {"M": []},
        {"M": "x"},
        {"L": {}},
        {"SS": [1, 2]},
        {"SS": "abc"},
        {"NS": ["x"]},
        {"BS": ["%%%"]},
        "plain string",
        42,
        None,
        [],
        [{"S": "x"}],
    ]
)


@st.composite
def junk_image(draw: st.DrawFn) -> dict[str, Any]:
    """A valid image with one junk value planted at the top level or inside a map or list."""
    image: dict[str, Any] = draw(images)
    junk = draw(junk_values)
    where = draw(st.sampled_from(["top", "map", "list"]))
    if where == "map":
        junk = {"M": {"h": junk}}
    elif where == "list":
        junk = {"L": [{"S": "ok"}, junk]}
    image[draw(names)] = junk
    return image


# --------------------------------------------------------------------------------------------------
# Records and their labels
# --------------------------------------------------------------------------------------------------


@dataclass
class Labeled:
    record: Any
    label: str  # good | skipped | bad

    @property
    def sequence_number(self) -> str | None:
        dynamodb = self.record.get("dynamodb") if isinstance(self.record, dict) else None
        number = dynamodb.get("SequenceNumber") if isinstance(dynamodb, dict) else None
        return number if isinstance(number, str) and number else None


def _insert(sequence: str, keys: dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventID": f"event-{sequence}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1764000000.0,
            "Keys": keys,
            "NewImage": {**keys, **image},
            "SequenceNumber": sequence,
            "SizeBytes": 100,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-22T00:00:00.000",
    }


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        record.pop(key, None)

    return mutate


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        record[key] = value

    return mutate


def _set_dynamodb(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        if isinstance(record.get("dynamodb"), dict):  # an earlier defect may have removed it
            record["dynamodb"][key] = value

    return mutate


def _drop_dynamodb(key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        if isinstance(record.get("dynamodb"), dict):
            record["dynamodb"].pop(key, None)

    return mutate


# Structural defects that make an INSERT fail (SequenceNumber defects are drawn separately).
STRUCTURAL_DEFECTS = [
    _without("dynamodb"),
    _set("dynamodb", None),
    _set("dynamodb", "a string"),
    _set("dynamodb", [1, 2]),
    _without("eventID"),
    _set("eventID", ""),
    _set("eventID", 12),
    _drop_dynamodb("Keys"),
    _set_dynamodb("Keys", 5),
    _set_dynamodb("Keys", "id"),
    _set_dynamodb("Keys", [{"S": "x"}]),
    _set_dynamodb("NewImage", "not a map"),
    _set_dynamodb("NewImage", [1]),
    _set_dynamodb("ApproximateCreationDateTime", "2026-11-22T00:00:00Z"),
    _set_dynamodb("ApproximateCreationDateTime", True),
    _set_dynamodb("ApproximateCreationDateTime", {"N": "1"}),
    # No eventName is a malformed record, not a filtered one (handler/batch.py).
    _without("eventName"),
    _set("eventName", None),
]

EVENT_NAME_DEFECTS = STRUCTURAL_DEFECTS[-2:]

# SequenceNumber defects: the record, if it fails, cannot be named in batchItemFailures.
SEQUENCE_DEFECTS = [
    _drop_dynamodb("SequenceNumber"),
    _set_dynamodb("SequenceNumber", ""),
    _set_dynamodb("SequenceNumber", 12345),
    _set_dynamodb("SequenceNumber", None),
]

# eventName values that are not the allowed name: the record is skipped, whatever else is wrong.
OTHER_EVENT_NAMES = ["MODIFY", "REMOVE", "insert", "", " INSERT", 5, 1.5, True]
# Unhashable names crash the guard today (`name not in frozenset`): tested on their own below, so the
# property above keeps guarding everything else while that bug is open.
UNHASHABLE_EVENT_NAMES = [["INSERT"], {"S": "INSERT"}]


@st.composite
def labeled_record(draw: st.DrawFn, sequence: str) -> Labeled:
    keys = {"id": {"S": draw(st.text(min_size=1, max_size=6))}}
    kind = draw(
        st.sampled_from(
            ["good", "poisoned", "structural", "junk-image", "junk-keys", "skipped", "not-object"]
        )
    )
    if kind == "not-object":
        return Labeled(draw(st.sampled_from([None, 7, "record", [], [1, 2], 2.5, True])), "bad")
    record = _insert(sequence, keys, draw(images))
    label = "good"
    if kind == "poisoned":
        record["dynamodb"]["NewImage"][POISON] = {"BOOL": True}
        label = "bad"
    elif kind == "structural":
        draw(st.sampled_from(STRUCTURAL_DEFECTS))(record)
        label = "bad"
    elif kind == "junk-image":
        record["dynamodb"]["NewImage"] = {**keys, **draw(junk_image())}
        label = "bad"
    elif kind == "junk-keys":
        record["dynamodb"]["Keys"] = draw(junk_image())
        label = "bad"
    elif kind == "skipped":
        record["eventName"] = draw(st.sampled_from(OTHER_EVENT_NAMES))
        # Break anything else too: the guard must skip before looking at it.
        if draw(st.booleans()):
            defects = [defect for defect in STRUCTURAL_DEFECTS if defect not in EVENT_NAME_DEFECTS]
            draw(st.sampled_from(defects + SEQUENCE_DEFECTS))(record)
        return Labeled(record, "skipped")
    if draw(st.integers(0, 9)) == 0:  # now and then, no usable sequence number
        draw(st.sampled_from(SEQUENCE_DEFECTS))(record)
        if label == "good":
            label = "bad"  # a record without a SequenceNumber is malformed (handler/record.py)
    return Labeled(record, label)


@st.composite
def batches(draw: st.DrawFn) -> list[Labeled]:
    sequences = draw(st.lists(st.integers(10**20, 10**21), min_size=1, max_size=12, unique=True))
    return [draw(labeled_record(str(number))) for number in sorted(sequences)]


def expected_outcomes(batch: list[Labeled], handler: StreamHandler) -> list[tuple[str, Any]]:
    """Every answer the documented behaviour allows (one, except when concurrency may vary it)."""
    if handler.config.failure_mode is FailureMode.CONTINUE:
        return [expected_continue_outcome(batch)]
    first_bad = next((index for index, item in enumerate(batch) if item.label == "bad"), None)
    if first_bad is None:
        return [("returns", {"batchItemFailures": []})]
    if first_bad == 0:
        return [("raises", FirstRecordFailedError)]
    # Serially the answer names the first bad record; concurrently, any record up to it that had
    # not started when it failed (never record 0: it goes first and always finishes).
    candidates = [batch[first_bad]] if handler.config.concurrency == 1 else batch[1 : first_bad + 1]
    outcomes: list[tuple[str, Any]] = []
    for item in candidates:
        if item.sequence_number is None:
            outcomes.append(("raises", UnreportableFailureError))
        else:
            outcomes.append(("returns", {"batchItemFailures": [{"itemIdentifier": item.sequence_number}]}))
    return outcomes


def expected_continue_outcome(batch: list[Labeled]) -> tuple[str, Any]:
    """Powertools' behaviour: every record processed, every bad one named."""
    bad = [item for item in batch if item.label == "bad"]
    # Powertools checks "every record failed" first; either way the whole batch is retried.
    if bad and len(bad) == len(batch):
        return "raises", BatchProcessingError
    if any(item.sequence_number is None for item in bad):
        return "raises", UnreportableFailureError
    return "returns", {"batchItemFailures": [{"itemIdentifier": item.sequence_number} for item in bad]}


@SETTINGS
@given(batch=batches())
def test_malformed_records_fail_exactly_and_never_crash(
    stream_handler: StreamHandler, batch: list[Labeled]
) -> None:
    event = {"Records": [copy.deepcopy(item.record) for item in batch]}
    allowed = expected_outcomes(batch, stream_handler)
    try:
        answer: tuple[str, Any] = ("returns", stream_handler(event))
    except (BatchProcessingError, UnreportableFailureError) as error:
        answer = ("raises", type(error))
    assert answer in allowed


def _nested(depth: int, container: str) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "bottom"}
    for _ in range(depth):
        value = {"M": {"a": value}} if container == "M" else {"L": [value]}
    return value


@pytest.mark.parametrize("container", ["M", "L"])
def test_dynamodb_depth_nesting_succeeds(stream_handler: StreamHandler, container: str) -> None:
    """DynamoDB allows 32 levels of nesting; such an item must be processed."""
    event = {
        "Records": [_insert("100000000000000000001", {"id": {"S": "a"}}, {"deep": _nested(31, container)})]
    }
    assert stream_handler(event) == {"batchItemFailures": []}


@pytest.mark.parametrize("container", ["M", "L"])
def test_huge_nesting_fails_only_its_record(stream_handler: StreamHandler, container: str) -> None:
    """Nesting far beyond DynamoDB's 32 levels (and beyond Python's recursion limit) must not crash:
    the record fails on its own; the record before it succeeds (the one after it may be left for
    the mapping to re-send, when stopping at the first failure)."""
    before = _insert("100000000000000000001", {"id": {"S": "before"}}, {"x": {"S": "y"}})
    deep = _insert("100000000000000000002", {"id": {"S": "deep"}}, {"deep": _nested(5000, container)})
    fine = _insert("100000000000000000003", {"id": {"S": "fine"}}, {"x": {"S": "y"}})
    assert stream_handler({"Records": [before, deep, fine]}) in (
        {"batchItemFailures": [{"itemIdentifier": "100000000000000000002"}]},
        {"batchItemFailures": []},  # a deserializer without a depth limit may process it
    )


def test_empty_batch_is_a_success(stream_handler: StreamHandler) -> None:
    assert stream_handler({"Records": []}) == {"batchItemFailures": []}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@SETTINGS
@given(event=st.dictionaries(st.text(max_size=5), json_values, max_size=3))
def test_events_without_a_records_list_are_a_clear_error(stream_handler: StreamHandler, event: Any) -> None:
    """An object that is not ``{"Records": [...]}`` is refused with a ValueError naming the problem."""
    if isinstance(event.get("Records"), list):
        event = {**event, "Records": "not a list"}
    with pytest.raises(ValueError, match="Records"):
        stream_handler(event)


@pytest.mark.parametrize("event", [None, [], ["Records"], 7, "Records", True])
def test_an_event_that_is_not_an_object_is_a_clear_error(stream_handler: StreamHandler, event: Any) -> None:
    """Regression found by fuzzing: a JSON event that is not an object used to raise AttributeError
    instead of the clear ValueError a missing Records list gets."""
    with pytest.raises(ValueError, match="Records"):
        stream_handler(event)


@pytest.mark.parametrize("name", UNHASHABLE_EVENT_NAMES)
def test_an_unhashable_event_name_is_skipped(stream_handler: StreamHandler, name: Any) -> None:
    """Regression found by fuzzing: a list or object eventName used to raise TypeError (unhashable)
    and crash the whole invocation. By the handler's own rule a name that is not an allowed one is
    skipped."""
    skipped = _insert("100000000000000000010", {"id": {"S": "a"}}, {})
    skipped["eventName"] = name
    good = _insert("100000000000000000011", {"id": {"S": "b"}}, {})
    assert stream_handler({"Records": [skipped, good]}) == {"batchItemFailures": []}


@SETTINGS
@given(batch=batches())
def test_bundled_profile_processor_never_crashes(batch: list[Labeled]) -> None:
    """The default user-profile processor on the same junk: only the documented outcomes.

    Its validation rules decide which good-shaped records fail, so the assertion is weaker: the
    one record named is at or before the first structurally bad record (or the batch fails as
    documented), nothing outside the batch is named, and nothing else is raised.
    """
    handler = _profile_handler()
    event = {"Records": [copy.deepcopy(item.record) for item in batch]}
    try:
        response = handler(event)
    except (UnreportableFailureError, BatchProcessingError):
        return
    named = [failure["itemIdentifier"] for failure in response["batchItemFailures"]]
    in_batch = [item.sequence_number for item in batch]
    first_bad = next((index for index, item in enumerate(batch) if item.label == "bad"), None)
    if first_bad is None:
        # Only the processor's own rules can fail a record: at most that first failure is named.
        assert len(named) <= 1
    else:
        # Stopped at the first failure: one record, at or before the first structurally bad one.
        (number,) = named
        assert in_batch.index(str(number)) <= first_bad
    assert all(number in in_batch for number in named)
    assert not {item.sequence_number for item in batch if item.label == "skipped"} & set(named)


_PROFILE_HANDLER: list[StreamHandler] = []


def _profile_handler() -> StreamHandler:
    if not _PROFILE_HANDLER:
        config = HandlerConfig.from_environ({"POWERTOOLS_LOG_LEVEL": "CRITICAL"})
        _PROFILE_HANDLER.append(StreamHandler(config))
    return _PROFILE_HANDLER[0]


def test_labels_are_documented_json() -> None:
    """The generated events are JSON, as Lambda delivers them (guards the generator itself)."""
    record = _insert("1", {"id": {"S": "a"}}, {"x": {"N": "1"}})
    assert json.loads(json.dumps(record)) == record
