"""The demo's scripted workload, and what the settings imply it must lead to.

The workload writes profile inserts, updates and deletes, an invalid profile and a record that
always fails, in steps; :func:`expected_outcome` derives from the Terraform settings alone (the
filters, the handler's invalid-record action, the retry limit) what the mapping must do with it,
and :func:`checks` compares that with what the poller counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from handler import config as handler_config
from pipeline.esm.on_failure import Condition, OnFailureMessage
from pipeline.filters.rules import FilterCriteria
from pipeline.settings.model import Settings

TABLE: Final = "user-profiles"
HASH_KEY: Final = "user_id"


@dataclass(frozen=True)
class Step:
    """One part of the workload: a title and the writes it makes."""

    title: str
    write: Callable[[Any, str], None]


def _profile(user_id: str, email: str, name: str, **extra: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {HASH_KEY: {"S": user_id}, "email": {"S": email}, "name": {"S": name}}
    item.update(extra)
    return item


def _put(*items: dict[str, Any]) -> Callable[[Any, str], None]:
    def write(dynamodb: Any, table: str) -> None:
        for item in items:
            dynamodb.put_item(TableName=table, Item=item)

    return write


def _updates_and_deletes(dynamodb: Any, table: str) -> None:
    for user_id, status in (("u-001", "suspended"), ("u-002", "pending")):
        dynamodb.update_item(
            TableName=table,
            Key={HASH_KEY: {"S": user_id}},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": status}},
        )
    dynamodb.delete_item(TableName=table, Key={HASH_KEY: {"S": "u-003"}})


INVALID_PROFILE = "u-bad-email"
POISON_PROFILE = "u-poison"

WORKLOAD = (
    Step(
        "6 valid profile inserts",
        _put(
            _profile("u-001", "ada@example.com", "Ada Lovelace", status={"S": "active"}),
            _profile("u-002", "grace@example.com", "Grace Hopper", age={"N": "85"}),
            _profile("u-003", "alan@example.com", "Alan Turing"),
            _profile("u-004", "edsger@example.com", "Edsger Dijkstra", status={"S": "pending"}),
            _profile("u-005", "barbara@example.com", "Barbara Liskov"),
            _profile("u-006", "ken@example.com", "Ken Thompson", age={"N": "82"}),
        ),
    ),
    Step("2 profile updates and 1 delete", _updates_and_deletes),
    Step(
        "an invalid profile (malformed email)",
        _put(_profile(INVALID_PROFILE, "not-an-email", "Invalid Email")),
    ),
    Step(
        "a record that always fails (age 999: every retry fails the same way)",
        _put(_profile(POISON_PROFILE, "poison@example.com", "Poison Record", age={"N": "999"})),
    ),
    Step(
        "2 more valid inserts after the failures",
        _put(
            _profile("u-007", "margaret@example.com", "Margaret Hamilton"),
            _profile("u-008", "donald@example.com", "Donald Knuth", status={"S": "active"}),
        ),
    ),
)


@dataclass
class Check:
    """One expectation and whether it held."""

    what: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.actual)


def expected_outcome(settings: Settings, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What the settings imply for the workload, given the records the stream holds.

    The filter decides what is delivered; the handler's invalid-record action decides whether
    the two bad profiles fail; each bad record is alone in its batch (the demo drains between
    steps), so it is retried MaximumRetryAttempts times and parked alone.
    """
    criteria = FilterCriteria(settings.esm.filter_criteria)
    matched = [record for record in records if criteria.matches(record)]
    action = settings.function.environment.get(
        handler_config.INVALID_RECORD_ACTION, handler_config.InvalidRecordAction.FAIL.value
    )
    fails = action == handler_config.InvalidRecordAction.FAIL.value
    bad = [
        record
        for record in matched
        if fails
        and record["eventName"] == "INSERT"
        and record["dynamodb"]["Keys"][HASH_KEY]["S"] in (INVALID_PROFILE, POISON_PROFILE)
    ]
    retries = settings.esm.maximum_retry_attempts
    inserts = sum(1 for record in matched if record["eventName"] == "INSERT")
    return {
        "inserts_succeeded": inserts - len(bad),
        "records_seen": len(records),
        "records_filtered_out": len(records) - len(matched),
        "records_delivered": len(matched),
        "records_succeeded": len(matched) - len(bad),
        "records_parked": len(bad),
        "parked_sequence_numbers": [record["dynamodb"]["SequenceNumber"] for record in bad],
        "retries": len(bad) * retries if retries >= 0 else None,
        "condition": Condition.RETRY_ATTEMPTS_EXHAUSTED if retries >= 0 else Condition.RECORD_AGE_EXCEEDED,
        "invoke_count": retries + 1 if retries >= 0 else None,
    }


def checks(
    expected: dict[str, Any], counters: dict[str, int], messages: list[OnFailureMessage]
) -> list[Check]:
    checks = [
        Check(f"{name.replace('_', ' ')}", expected[name], counters[name])
        for name in (
            "records_seen",
            "records_filtered_out",
            "records_delivered",
            "records_succeeded",
            "records_parked",
        )
    ]
    checks.append(
        Check(
            "failure-queue messages name exactly the bad records",
            expected["parked_sequence_numbers"],
            [m.batch_info.start_sequence_number for m in messages],
        )
    )
    checks.append(
        Check(
            "every parked batch holds one record",
            [1] * len(messages),
            [m.batch_info.batch_size for m in messages],
        )
    )
    checks.append(
        Check(
            "condition", [expected["condition"].value] * len(messages), [m.condition.value for m in messages]
        )
    )
    if expected["invoke_count"] is not None:
        checks.append(
            Check(
                "approximateInvokeCount = MaximumRetryAttempts + 1",
                [expected["invoke_count"]] * len(messages),
                [m.approximate_invoke_count for m in messages],
            )
        )
        checks.append(Check("retries", expected["retries"], counters["retries"]))
    return checks
