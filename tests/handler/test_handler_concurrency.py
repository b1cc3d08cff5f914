"""Key-ordered concurrency: records of one item in stream order and never at once, and the response
after failures at any position (hypothesis), stopping at the first failure or not."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handler.batch import FirstRecordFailedError
from handler.config import FailureMode
from handler.processing import ProcessingContext
from handler.processors import user_profile
from handler.record import ChangeRecord
from tests.handler.support import (
    FIRST_SEQUENCE,
    batch,
    build_handler,
    drain_queue,
    idempotency_table,
    lambda_context,
    make_config,
    sequence_number,
    stream_record,
    topic_with_queue,
)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def keyed_record(index: int, item: str) -> dict[str, Any]:
    """stream_record(index), changing the item ``item`` (its Keys and the image's user_id)."""
    record = stream_record(index)
    record["dynamodb"]["Keys"] = {"user_id": {"S": item}}
    record["dynamodb"]["NewImage"]["user_id"] = {"S": item}
    return record


def index_of(record: ChangeRecord) -> int:
    return (int(record.sequence_number) - FIRST_SEQUENCE) // 100


@dataclass
class Journal:
    """A processor that logs when each record starts and ends, under a lock, in one sequence."""

    failing: frozenset[int] = frozenset()
    pause: dict[int, float] = field(default_factory=dict)
    events: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, what: str, index: int) -> None:
        with self.lock:
            self.events.append((what, index))

    def __call__(self, record: ChangeRecord, context: ProcessingContext) -> None:  # noqa: ARG002
        index = index_of(record)
        self.log("start", index)
        time.sleep(self.pause.get(index, 0.0))
        if index in self.failing:
            self.log("fail", index)
            raise RuntimeError(f"record {index} failed")
        self.log("end", index)

    def position(self, what: str, index: int) -> int | None:
        return next((at for at, event in enumerate(self.events) if event == (what, index)), None)

    def started(self) -> list[int]:
        return [index for what, index in self.events if what == "start"]

    def succeeded(self) -> set[int]:
        return {index for what, index in self.events if what == "end"}


def assert_item_order(journal: Journal, items: list[str]) -> None:
    """Each item's records started in batch order, each after the previous one of its item ended."""
    started = journal.started()
    assert len(started) == len(set(started)), "a record started twice"
    for item in set(items):
        mine = [index for index in started if items[index] == item]
        assert mine == sorted(mine), f"item {item}: records started out of order: {mine}"
        for earlier, later in itertools.pairwise(mine):
            finished = journal.position("end", earlier)
            assert finished is not None, f"record {later} started after record {earlier} of its item failed"
            later_start = journal.position("start", later)
            assert later_start is not None
            assert finished < later_start, (
                f"item {item}: record {later} started before record {earlier} ended"
            )


def run(handler: Any, event: dict[str, Any], context: Any = None) -> tuple[str, Any]:
    try:
        return ("returns", handler(event, context))
    except BatchProcessingError as error:
        return ("raises", type(error))


# --------------------------------------------------------------------------------------------------
# Deterministic scenarios
# --------------------------------------------------------------------------------------------------


def test_after_a_failure_nothing_new_starts_and_work_in_flight_finishes() -> None:
    # Four threads take records 0-3; once all four have started, record 1 fails while 0, 2 and 3
    # are still running.
    all_started = threading.Barrier(4, timeout=5)
    release = threading.Event()
    journal = Journal(failing=frozenset({1}))

    def processor(record: ChangeRecord, context: ProcessingContext) -> None:
        journal.log("start", index_of(record))
        all_started.wait()
        if index_of(record) == 1:
            threading.Timer(0.3, release.set).start()  # let the others finish well after the failure
            journal.log("fail", 1)
            raise RuntimeError("record 1 failed")
        assert release.wait(5)
        journal.log("end", index_of(record))

    handler = build_handler(make_config(concurrency=4), processor=processor)

    response = handler(batch(*(keyed_record(index, f"item-{index}") for index in range(10))))

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(1)}]}
    assert sorted(journal.started()) == [0, 1, 2, 3]
    assert journal.succeeded() == {0, 2, 3}
    assert [record["eventID"] for record in handler.batch_processor.not_started] == [
        keyed_record(index, "x")["eventID"] for index in range(4, 10)
    ]


def test_a_record_waiting_behind_its_item_is_named_when_it_never_started() -> None:
    # Item A: records 0 and 1; item B: record 2, which fails while record 0 is still running.
    # Record 1 never starts, so the response must name it, although the failure came later.
    release = threading.Event()
    journal = Journal(failing=frozenset({2}))

    def processor(record: ChangeRecord, context: ProcessingContext) -> None:
        if index_of(record) == 0:
            assert release.wait(5)
        elif index_of(record) == 2:
            threading.Timer(0.3, release.set).start()
        journal(record, context)

    handler = build_handler(make_config(concurrency=2), processor=processor)

    response = handler(batch(keyed_record(0, "a"), keyed_record(1, "a"), keyed_record(2, "b")))

    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_number(1)}]}
    assert sorted(journal.started()) == [0, 2]


def test_records_of_one_item_never_overlap_even_when_the_first_is_slow() -> None:
    journal = Journal(pause={0: 0.2})
    handler = build_handler(make_config(concurrency=8), processor=journal)
    items = ["a", "b", "a", "c", "a"]

    response = handler(batch(*(keyed_record(index, item) for index, item in enumerate(items))))

    assert response == {"batchItemFailures": []}
    assert_item_order(journal, items)
    # The other items did not wait for the slow one.
    assert journal.position("end", 1) is not None
    assert journal.position("end", 1) < journal.position("end", 0)  # type: ignore[operator]


def test_continue_mode_processes_every_record_concurrently_and_names_each_failure() -> None:
    journal = Journal(failing=frozenset({1, 3}))
    handler = build_handler(make_config(concurrency=4, failure_mode=FailureMode.CONTINUE), processor=journal)
    items = ["a", "a", "b", "b", "c"]

    response = handler(batch(*(keyed_record(index, item) for index, item in enumerate(items))))

    assert response == {
        "batchItemFailures": [{"itemIdentifier": sequence_number(1)}, {"itemIdentifier": sequence_number(3)}]
    }
    assert sorted(journal.started()) == [0, 1, 2, 3, 4]


def test_skipped_records_count_as_successes_under_concurrency() -> None:
    journal = Journal()
    handler = build_handler(make_config(concurrency=4), processor=journal)
    event = batch(keyed_record(0, "a"), stream_record(1, event_name="REMOVE"), keyed_record(2, "a"))

    assert handler(event) == {"batchItemFailures": []}
    assert sorted(journal.started()) == [0, 2]
    assert len(handler.batch_processor.skipped_messages) == 1


def test_a_processor_crash_beyond_exception_is_raised_after_the_others_finish() -> None:
    class Abort(BaseException):
        pass

    journal = Journal(pause={0: 0.1})

    def processor(record: ChangeRecord, context: ProcessingContext) -> None:
        if index_of(record) == 1:
            raise Abort
        journal(record, context)

    handler = build_handler(make_config(concurrency=2), processor=processor)

    with pytest.raises(Abort):
        handler(batch(keyed_record(0, "a"), keyed_record(1, "b"), keyed_record(2, "c")))
    assert journal.succeeded() == {0}


# --------------------------------------------------------------------------------------------------
# Properties: failures at random positions
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    items: list[str]
    failing: frozenset[int]
    pause: dict[int, float]
    concurrency: int


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    size = draw(st.integers(1, 24))
    # Few items, so most of them have several records that must wait for each other.
    items = draw(st.lists(st.sampled_from("abcdef"), min_size=size, max_size=size))
    failing = draw(st.frozensets(st.integers(0, size - 1), max_size=3))
    pause = draw(
        st.dictionaries(st.integers(0, size - 1), st.sampled_from([0.0005, 0.002, 0.005]), max_size=6)
    )
    return Scenario(items, failing, pause, draw(st.sampled_from([2, 4, 16])))


def event_of(items: Iterable[str]) -> dict[str, Any]:
    return batch(*(keyed_record(index, item) for index, item in enumerate(items)))


@PROPERTY
@given(scenario=scenarios())
def test_stop_mode_keeps_item_order_and_names_the_first_record_not_done(scenario: Scenario) -> None:
    journal = Journal(failing=scenario.failing, pause=scenario.pause)
    handler = build_handler(make_config(concurrency=scenario.concurrency), processor=journal)

    answer = run(handler, event_of(scenario.items))

    assert_item_order(journal, scenario.items)
    done = journal.succeeded()
    first_not_done = next((index for index in range(len(scenario.items)) if index not in done), None)
    if not scenario.failing:
        assert first_not_done is None
        assert answer == ("returns", {"batchItemFailures": []})
        return
    assert first_not_done is not None
    assert first_not_done <= min(scenario.failing)
    if first_not_done == 0:
        assert answer == ("raises", FirstRecordFailedError)
    else:
        assert answer == (
            "returns",
            {"batchItemFailures": [{"itemIdentifier": sequence_number(first_not_done)}]},
        )
    # After a record failed, no later record of its item started.
    for failed in (index for what, index in journal.events if what == "fail"):
        later = [
            index
            for index in journal.started()
            if index > failed and scenario.items[index] == scenario.items[failed]
        ]
        assert later == []


@PROPERTY
@given(scenario=scenarios())
def test_continue_mode_keeps_item_order_and_names_every_failure(scenario: Scenario) -> None:
    journal = Journal(failing=scenario.failing, pause=scenario.pause)
    config = make_config(concurrency=scenario.concurrency, failure_mode=FailureMode.CONTINUE)
    handler = build_handler(config, processor=journal)

    answer = run(handler, event_of(scenario.items))

    assert sorted(journal.started()) == list(range(len(scenario.items)))
    # Records of an item still run one after another, also after one of them failed.
    for item in set(scenario.items):
        mine = [index for index in journal.started() if scenario.items[index] == item]
        assert mine == sorted(mine)
    if len(scenario.failing) == len(scenario.items):
        assert answer == ("raises", BatchProcessingError)
    else:
        expected = [{"itemIdentifier": sequence_number(index)} for index in sorted(scenario.failing)]
        assert answer == ("returns", {"batchItemFailures": expected})


# --------------------------------------------------------------------------------------------------
# Re-delivery after transient failures, against moto: duplicates with and without idempotency
# --------------------------------------------------------------------------------------------------


@dataclass
class FailsOnce(Journal):
    """The journal around the bundled profile processor; each failing record fails only once."""

    def __call__(self, record: ChangeRecord, context: ProcessingContext) -> None:
        index = index_of(record)
        self.log("start", index)
        time.sleep(self.pause.get(index, 0.0))
        with self.lock:
            transient = index in self.failing
            self.failing = self.failing - {index}
        if transient:
            self.log("fail", index)
            raise RuntimeError(f"record {index}: transient outage")
        user_profile.process_record(record, context)
        self.log("end", index)


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    size = draw(st.integers(1, 10))
    items = draw(st.lists(st.sampled_from("abcd"), min_size=size, max_size=size))
    failing = draw(st.frozensets(st.integers(0, size - 1), max_size=2))
    return Scenario(items, failing, {}, draw(st.sampled_from([1, 4, 16])))


@pytest.mark.usefixtures("moto_endpoint")
@pytest.mark.parametrize("idempotent", [True, False], ids=["idempotency", "no-idempotency"])
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=small_scenarios())
def test_redelivery_publishes_each_record_once_with_idempotency(idempotent: bool, scenario: Scenario) -> None:
    topic_arn, queue_url = topic_with_queue(uuid.uuid4().hex[:8])
    journal = FailsOnce(failing=scenario.failing)
    config = make_config(
        concurrency=scenario.concurrency,
        notification_topic_arn=topic_arn,
        idempotency_table=idempotency_table() if idempotent else None,
    )
    handler = build_handler(config, processor=journal)
    records = event_of(scenario.items)["Records"]

    # What Lambda does: re-send from the record the response names (everything after a raise).
    start, invocations = 0, 0
    while True:
        invocations += 1
        assert invocations <= len(records) + 1, "the batch never completed"
        answer = run(handler, batch(*records[start:]), lambda_context())
        if answer == ("returns", {"batchItemFailures": []}):
            break
        if answer[0] == "returns":
            named = answer[1]["batchItemFailures"][0]["itemIdentifier"]
            start = next(
                at for at, record in enumerate(records) if record["dynamodb"]["SequenceNumber"] == named
            )

    published = Counter(
        json.loads(envelope["Message"])["sequence_number"] for envelope in drain_queue(queue_url)
    )
    assert set(published) == {record["dynamodb"]["SequenceNumber"] for record in records}  # nothing lost
    duplicates = sum(published.values()) - len(records)
    if idempotent or scenario.concurrency == 1:
        # Serially nothing after a failure has run; concurrently, idempotency answers what had.
        assert duplicates == 0
    else:
        assert duplicates == len([event for event in journal.events if event[0] == "end"]) - len(records)
