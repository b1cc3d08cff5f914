"""The state file: every stop resumes where the mapping was, a damaged file is refused, one poller per file.

A mapping on AWS resumes from its own position whatever happened; locally that position is the
``--state-file``. These tests stop the poller at awkward moments (before the first record with
StartingPosition LATEST, in the middle of a batch's retries), then check the next run delivers
exactly what AWS would; and they damage a valid state file in every way the issue lists and
check the poller refuses it, naming the file and the field, before reading a single record.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import StateFileError
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.events import Invoked, PollerEvent
from pipeline.esm.state_file import parse_state
from tests.pipeline.support import Harness, Table

OTHER_STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/other/stream/2024-01-01T00:00:00.000"


def _start_and_stop(harness: Harness, tfvars: str, state: Path) -> None:
    """Run the poller until it reads the stream, then stop it, as Ctrl-C would."""
    poller = harness.poller(tfvars, state_file=state)
    runner = threading.Thread(target=poller.run, daemon=True)
    runner.start()
    assert poller.wait_until_reading()
    poller.stop()
    runner.join()


@pytest.mark.parametrize(
    ("tfvars", "before"),
    [("latest.tfvars", []), ("latest.tfvars", ["old"]), ("base.tfvars", [])],
    ids=["latest-empty-shard", "latest-one-record-before", "trim-horizon-empty-shard"],
)
def test_a_stop_before_the_first_record_resumes_there(
    harness: Harness, table: Table, tmp_path: Path, tfvars: str, before: list[str]
) -> None:
    state = tmp_path / "state.json"
    for key in before:
        table.put(key)

    _start_and_stop(harness, tfvars, state)

    (saved,) = json.loads(state.read_text())["shards"].values()
    latest = tfvars == "latest.tfvars"
    # LATEST saved the last record already there (none: the trim horizon); TRIM_HORIZON its start.
    expected = table.seqs()["old"][0] if latest and before else None
    assert saved == {"checkpoint": expected, "finished": False, "inFlight": []}
    assert harness.invocations() == []

    table.put("new1")
    table.put("new2")  # written while the poller was stopped
    harness.run(tfvars, state_file=state)

    assert harness.batches() == [["new1", "new2"] if latest else [*before, "new1", "new2"]]


def test_a_restart_in_the_middle_of_the_retries_keeps_counting(
    harness: Harness, table: Table, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    table.put("poison", "raise")
    invoked: list[str] = []

    def stop_after_two(event: PollerEvent) -> None:
        if isinstance(event, Invoked):
            invoked.append(event.result.request_id)
            if len(invoked) == 2:
                first.stop_event.set()

    first = harness.poller(state_file=state, listener=stop_after_two)
    first.run(timeout=60)
    seq = table.seqs()["poison"][0]
    (saved,) = json.loads(state.read_text())["shards"].values()
    assert saved == {
        "checkpoint": None,
        "finished": False,
        "inFlight": [{"startSequenceNumber": seq, "endSequenceNumber": seq, "attempts": 2}],
    }

    second = harness.run(state_file=state)

    # base.tfvars: MaximumRetryAttempts 2, so 3 invocations in all, across both runs.
    assert len(harness.invocations()) == 3
    (message,) = table.failure_messages()
    assert message.approximate_invoke_count == 3
    assert message.request_id == harness.invocations()[-1]["request_id"]
    assert second.counters.as_dict()["records_parked"] == 1
    (saved,) = json.loads(state.read_text())["shards"].values()
    assert saved == {"checkpoint": seq, "finished": False, "inFlight": []}


def test_a_second_poller_on_the_same_state_file_is_refused(harness: Harness, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with CheckpointStore(state, harness.table.resources.stream_arn), pytest.raises(StateFileError) as caught:
        harness.poller(state_file=state)
    assert str(caught.value).startswith(f"{state}: in use by another poller (pid ")
    assert f"holds {state}.lock" in str(caught.value)
    # Released: the next one gets it.
    harness.poller(state_file=state).checkpoints.close()


@dataclass(frozen=True)
class Valid:
    """A state file the poller wrote: its document, its one shard, that shard's checkpoint."""

    doc: dict[str, Any]
    shard: str
    seq: str

    def entry(self) -> dict[str, Any]:
        return dict(self.doc["shards"][self.shard])

    def with_entry(self, **changes: Any) -> dict[str, Any]:
        return {**self.doc, "shards": {self.shard: {**self.entry(), **changes}}}

    def in_flight(self, start: str, attempts: int) -> dict[str, Any]:
        return self.with_entry(
            inFlight=[{"startSequenceNumber": start, "endSequenceNumber": start, "attempts": attempts}]
        )


Damage = Callable[[Valid], "dict[str, Any] | str"]


def _damage_cases() -> list[tuple[str, Damage, str]]:
    """(id, how to damage a valid file, the error after '<path>: ')."""
    shard = 'shards["{shard}"]'
    return [
        ("truncated", lambda v: json.dumps(v.doc)[:-7], "(document): not valid JSON"),
        ("not-an-object", lambda v: "[]" if v else "", "(document): must be a JSON object, not a list"),
        (
            "duplicate-key",
            lambda v: '{"version": 2, ' + json.dumps(v.doc)[1:],
            "(document): not valid JSON (duplicate key 'version')",
        ),
        (
            "nan",
            lambda v: json.dumps(v.doc).replace('"version": 2', '"version": NaN'),
            "(document): not valid JSON (NaN is not JSON)",
        ),
        ("missing-field", lambda v: {k: x for k, x in v.doc.items() if k != "shards"}, "shards: missing"),
        ("unknown-field", lambda v: {**v.doc, "extra": 1}, "extra: unknown field"),
        ("future-version", lambda v: {**v.doc, "version": 3}, "version: 3 is not a version this poller"),
        (
            "version-type",
            lambda v: {**v.doc, "version": True},
            "version: must be an integer, not a boolean",
        ),
        ("updated-at", lambda v: {**v.doc, "updatedAt": "yesterday"}, 'updatedAt: "yesterday" is not'),
        ("shards-type", lambda v: {**v.doc, "shards": []}, "shards: must be a JSON object, not a list"),
        ("entry-type", lambda v: {**v.doc, "shards": {v.shard: "x"}}, shard + ": must be a JSON object"),
        ("bad-shard-id", lambda v: {**v.doc, "shards": {"bogus": v.entry()}}, 'shards["bogus"]: is not'),
        ("entry-unknown-key", lambda v: v.with_entry(lag=1), shard + ".lag: unknown field"),
        (
            "checkpoint-number",
            lambda v: v.with_entry(checkpoint=int(v.seq)),
            shard + ".checkpoint: {seq} is not a sequence number",
        ),
        (
            "checkpoint-text",
            lambda v: v.with_entry(checkpoint=v.seq + "x"),
            shard + '.checkpoint: "{seq}x" is not a sequence number',
        ),
        (
            "finished-text",
            lambda v: v.with_entry(finished="false"),
            shard + ".finished: must be true or false, not a string",
        ),
        (
            "attempts-zero",
            lambda v: v.in_flight(str(int(v.seq) + 1), 0),
            shard + ".inFlight[0].attempts: 0: a batch in flight was invoked at least once",
        ),
        (
            "in-flight-before-checkpoint",
            lambda v: v.in_flight(v.seq, 1),
            shard + ".inFlight[0].startSequenceNumber: {seq} is not after the checkpoint {seq}",
        ),
        ("another-stream", lambda v: {**v.doc, "streamArn": OTHER_STREAM}, "streamArn: the file belongs"),
        # Consistent with itself, not with the stream:
        (
            "unknown-shard",
            lambda v: {**v.doc, "shards": {"shardId-00000001000000000000-deadbeef": v.entry()}},
            'shards["shardId-00000001000000000000-deadbeef"]: stream {stream} has no such shard',
        ),
        ("missing-shard", lambda v: {**v.doc, "shards": {}}, shard + ": missing: the poller saves"),
        (
            "checkpoint-past-the-end",
            lambda v: v.with_entry(checkpoint=str(int(v.seq) + 5)),
            shard + ".checkpoint: {seq+5} is not a record of the shard",
        ),
        (
            "checkpoint-before-the-start",
            lambda v: v.with_entry(checkpoint="1"),
            shard + ".checkpoint: 1 is outside the shard's sequence numbers",
        ),
        (
            "finished-open-shard",
            lambda v: v.with_entry(finished=True),
            shard + ".finished: true, but the shard is still open",
        ),
    ]


@pytest.mark.parametrize(
    ("damage", "expected"), [(d, e) for _, d, e in _damage_cases()], ids=[i for i, _, _ in _damage_cases()]
)
def test_a_damaged_state_file_is_refused_before_anything_is_read(
    harness: Harness, table: Table, tmp_path: Path, damage: Damage, expected: str
) -> None:
    state = tmp_path / "state.json"
    for key in "abc":
        table.put(key)
    harness.run(state_file=state)
    document = json.loads(state.read_text())
    (shard_id,) = document["shards"]
    last = table.seqs()["c"][0]
    damaged = damage(Valid(document, shard_id, last))
    state.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged))
    before = state.read_bytes()
    table.put("d")  # the damaged run would deliver it if it went on

    with pytest.raises(StateFileError) as caught:
        harness.poller(state_file=state).run(until_drained=True, timeout=60)

    message = expected.format(
        shard=shard_id, seq=last, stream=table.resources.stream_arn, **{"seq+5": str(int(last) + 5)}
    )
    assert str(caught.value).startswith(f"{state}: {message}")
    assert len(harness.invocations()) == 1  # only the first run's
    assert state.read_bytes() == before
    assert table.failure_bodies() == []


class _CheckedStore(CheckpointStore):
    """Parses every state file it writes with the poller's own strict reader."""

    writes: int = 0

    def _write(self) -> None:
        super()._write()
        assert self.path is not None
        parse_state(self.path, self.path.read_text(), self.stream_arn)  # raises if it is not valid
        self.writes += 1


@pytest.mark.parametrize("tfvars", ["base.tfvars", "parallel.tfvars"])
def test_every_state_file_written_is_one_the_poller_accepts(
    harness: Harness, table: Table, tmp_path: Path, tfvars: str
) -> None:
    state = tmp_path / "state.json"
    fail = "respond-seq:" + json.dumps({"batchItemFailures": [{"itemIdentifier": "SEQ"}]})
    for index in range(12):
        # Partial failures: the batch in flight is replaced by its rest, its first records done.
        table.put(f"k{index}", fail if index % 3 == 2 else "ok")
    store = _CheckedStore(state, table.resources.stream_arn)
    poller = harness.poller(tfvars, checkpoints=store)

    poller.run(until_drained=True, timeout=60)

    assert store.writes > 0
    counters = poller.counters.as_dict()
    # One message per failing record (with 4 lanes a record after it in its batch is parked with it).
    assert counters["on_failure_messages"] == 4
    assert counters["records_parked"] + counters["records_succeeded"] == 12
