"""ParallelizationFactor, end to end: moto stream -> poller (4 lanes) -> 4 workers -> scripted handler.

The Lambda developer guide: with ParallelizationFactor N, up to N batches of one shard are
processed at once, and "Lambda still ensures in-order processing at the item (partition and
sort key) level". The local mapping routes each item key to one of N lanes by a documented rule
(SHA-256 of the canonical ``dynamodb.Keys`` JSON, modulo N); these tests derive the lanes with
their own copy of that rule and check the outcome against the handler's own log.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.esm.events import Invoked, PollerEvent
from pipeline.esm.on_failure import Condition
from tests.pipeline.support import Harness, Table

FACTOR = 4  # fixtures/parallel.tfvars


def lane(key: str) -> int:
    """The documented routing rule, written out again: keys {"pk": {"S": key}}."""
    canonical = json.dumps({"pk": {"S": key}}, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:8], "big") % FACTOR


def keys_by_lane(count_per_lane: int, prefix: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {index: [] for index in range(FACTOR)}
    number = 0
    while any(len(keys) < count_per_lane for keys in found.values()):
        key = f"{prefix}{number}"
        if len(found[lane(key)]) < count_per_lane:
            found[lane(key)].append(key)
        number += 1
    return found


def test_items_stay_in_order_and_never_run_in_two_batches_at_once(harness: Harness, table: Table) -> None:
    lanes = keys_by_lane(2, "k")
    keys = [key for index in range(FACTOR) for key in lanes[index]]
    for version in range(3):  # an INSERT, then two MODIFYs, of every item, interleaved
        for key in keys:
            table.put(key, "sleep:0.15", version={"N": str(version)})

    poller = harness.run("parallel.tfvars")

    invocations = harness.invocations()
    spans = harness.spans()
    seqs = table.seqs()
    # Every record exactly once (nothing failed), each item's records in stream order.
    delivered: dict[str, list[str]] = {}
    for entry in sorted(invocations, key=lambda e: spans[e["request_id"]][0]):
        for key, seq in zip(entry["keys"], entry["seqs"], strict=True):
            delivered.setdefault(key, []).append(seq)
    assert delivered == seqs
    # A batch holds one lane's keys, at most BatchSize (2) of them, in stream order.
    for entry in invocations:
        assert len({lane(key) for key in entry["keys"]}) == 1
        assert len(entry["seqs"]) <= 2
        assert entry["seqs"] == sorted(entry["seqs"], key=int)
    # No item is in two invocations that overlap in time; batches of different lanes do overlap.
    windows = [(spans[e["request_id"]], set(e["keys"])) for e in invocations]
    overlapping = 0
    for index, ((start, end), keys_a) in enumerate(windows):
        for (other_start, other_end), keys_b in windows[index + 1 :]:
            if start < other_end and other_start < end:
                overlapping += 1
                assert not keys_a & keys_b
    assert overlapping > 0
    # Four lanes, four execution environments.
    assert len({entry["pid"] for entry in invocations}) == FACTOR
    counters = poller.counters.as_dict()
    assert counters["records_succeeded"] == 24
    assert counters["invocations"] == 12  # 6 records per lane, 2 per batch
    assert list(poller.checkpoint_snapshot().values()) == [table.records()[-1]["dynamodb"]["SequenceNumber"]]


def test_a_failing_item_blocks_only_its_own_lane(harness: Harness, table: Table, tmp_path: Path) -> None:
    lanes = keys_by_lane(3, "x")
    poison = lanes[0][0]
    same_lane_after = lanes[0][1]
    other_lanes = [key for index in range(1, FACTOR) for key in lanes[index]]
    table.put(other_lanes[0])
    table.put(poison, "sleep-raise:0.6")
    table.put(same_lane_after)
    for key in other_lanes[1:]:
        table.put(key)
    seqs = table.seqs()
    poison_seq = seqs[poison][0]
    checkpoints_while_retrying: list[str | None] = []

    def watch(event: PollerEvent) -> None:
        if isinstance(event, Invoked) and event.sequence_numbers == [poison_seq]:
            checkpoints_while_retrying.extend(poller.checkpoint_snapshot().values())

    state = tmp_path / "state.json"
    poller = harness.poller("parallel.tfvars", listener=watch, state_file=state)
    poller.run(until_drained=True, timeout=60)

    invocations = harness.invocations()
    poison_attempts = [e for e in invocations if poison in e["keys"]]
    # Bisected out of its batch (poison + same_lane_after), then retried MaximumRetryAttempts (2) times.
    assert [e["keys"] for e in poison_attempts] == [[poison, same_lane_after], [poison], [poison], [poison]]
    last_poison_start = max(e["started"] for e in poison_attempts)
    first_run = {key: min(e["started"] for e in invocations if key in e["keys"]) for key in table.seqs()}
    # Other lanes went on while the poison record was retried; its own lane waited for it.
    assert all(first_run[key] < last_poison_start for key in other_lanes)
    after_poison = [e for e in invocations if same_lane_after in e["keys"] and poison not in e["keys"]]
    assert [e["keys"] for e in after_poison] == [[same_lane_after]]
    assert after_poison[0]["started"] > last_poison_start
    # While the poison record was retried, the shard's checkpoint stayed before it (at the record
    # written just before, once that one was done), although later records of other lanes were done.
    assert len(checkpoints_while_retrying) == 3
    assert set(checkpoints_while_retrying) <= {None, seqs[other_lanes[0]][0]}
    assert checkpoints_while_retrying[-1] == seqs[other_lanes[0]][0]
    (message,) = table.failure_messages()
    assert message.condition is Condition.RETRY_ATTEMPTS_EXHAUSTED
    assert message.approximate_invoke_count == 3
    assert message.response_context is not None
    assert message.response_context.function_error == "Unhandled"
    assert message.batch_info.start_sequence_number == poison_seq
    assert message.batch_info.end_sequence_number == poison_seq
    assert message.batch_info.batch_size == 1
    assert message.request_id == poison_attempts[-1]["request_id"]
    counters = poller.counters.as_dict()
    assert counters["records_succeeded"] == 1 + len(other_lanes)
    assert counters["records_parked"] == 1
    (saved,) = json.loads(state.read_text())["shards"].values()
    assert saved == {
        "checkpoint": table.records()[-1]["dynamodb"]["SequenceNumber"],
        "finished": False,
        "inFlight": [],
    }


def test_a_partial_failure_retries_only_the_rest_of_its_lane(harness: Harness, table: Table) -> None:
    lanes = keys_by_lane(2, "p")
    first, second = lanes[1]
    table.put(first)
    table.put(second, "respond-seq:" + json.dumps({"batchItemFailures": [{"itemIdentifier": "SEQ"}]}))
    for key in lanes[2]:
        table.put(key)

    poller = harness.run("parallel.tfvars")

    seqs = table.seqs()
    lane_one = [e["seqs"] for e in harness.invocations() if set(e["keys"]) <= {first, second}]
    # The batch [first, second]; second reported failed: retried alone from the lowest failure.
    assert lane_one == [[seqs[first][0], seqs[second][0]]] + [[seqs[second][0]]] * 3
    (message,) = table.failure_messages()
    assert message.batch_info.start_sequence_number == seqs[second][0]
    assert message.batch_info.batch_size == 1
    assert message.response_context is not None
    assert message.response_context.function_error is None  # it returned normally
    assert poller.counters.as_dict()["records_succeeded"] == 3


def test_a_restart_loses_nothing_and_replays_nothing_before_the_checkpoint(
    harness: Harness, table: Table, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    keys = [key for index in range(FACTOR) for key in keys_by_lane(3, "r")[index]]
    for key in keys:
        table.put(key, "sleep:0.1")
    invoked = 0

    def stop_after_four(event: PollerEvent) -> None:
        nonlocal invoked
        if isinstance(event, Invoked):
            invoked += 1
            if invoked == 4:
                first.stop_event.set()

    first = harness.poller("parallel.tfvars", state_file=state, listener=stop_after_four)
    first.run(timeout=60)
    (saved,) = json.loads(state.read_text())["shards"].values()
    first_run = len(harness.invocations())

    harness.run("parallel.tfvars", state_file=state)

    invocations = harness.invocations()
    done_before = int(saved["checkpoint"]) if saved["checkpoint"] else 0
    # Every record ran to success at least once; none at or before the saved checkpoint ran again.
    assert {seq for entry in invocations for seq in entry["seqs"]} == {
        s for seqs in table.seqs().values() for s in seqs
    }
    assert all(int(seq) > done_before for entry in invocations[first_run:] for seq in entry["seqs"])
    (final,) = json.loads(state.read_text())["shards"].values()
    assert final == {
        "checkpoint": table.records()[-1]["dynamodb"]["SequenceNumber"],
        "finished": False,
        "inFlight": [],
    }
    assert table.failure_bodies() == []
