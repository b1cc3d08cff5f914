"""What happened to each parked batch of a redrive run, and how it is reported."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MessageOutcome:
    """What happened to one message (or S3 object).

    ``status``: ``redriven`` (all records succeeded; deleted, or the object moved),
    ``duplicate`` (a second message for a batch redriven in this run; removed without re-running),
    ``failed`` (some record still fails; kept), ``unavailable`` (records past retention; kept),
    ``moved`` (unavailable, moved to the archive queue), ``unrecognised`` (not an on-failure
    record; kept), ``invalid`` (an on-failure record this run must not act on; kept),
    ``rejected`` (unrecognised or invalid, moved to the archive queue), ``claimed`` (another
    redrive holds it; skipped), ``changed`` (an S3 object rewritten while it was redriven; kept),
    ``empty`` (no record of the range passes the filters; kept),
    ``dry-run``, ``archived`` (``--archive-only``; kept).
    """

    message_id: str
    status: str
    detail: str = ""
    shard_id: str = ""
    start: str = ""
    end: str = ""
    batch_size: int = 0
    records: int = 0
    filtered_out: int = 0
    event_names: dict[str, int] = field(default_factory=dict)
    invocations: int = 0
    failed: list[str] = field(default_factory=list)
    archived_to: str = ""
    source: str = "stream"
    kind: str = "message"

    @property
    def ok(self) -> bool:
        """Whether this message needs no further attention."""
        return self.status in {"redriven", "duplicate", "dry-run", "archived"}


@dataclass
class RedriveReport:
    """Every message's outcome, in the order they were read."""

    outcomes: list[MessageOutcome] = field(default_factory=list)
    dry_run: bool = False
    #: Messages others held when the run ended (SQS ApproximateNumberOfMessagesNotVisible): this
    #: run could not see them, so they are not redriven.
    in_flight_elsewhere: int = 0

    def count(self, status: str) -> int:
        """How many messages ended with ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def records_redriven(self) -> int:
        """Records of deleted messages (all succeeded)."""
        return sum(outcome.records for outcome in self.outcomes if outcome.status == "redriven")

    @property
    def ok(self) -> bool:
        """True when nothing was left that could not be redriven, and nothing was out of sight."""
        return all(outcome.ok for outcome in self.outcomes) and self.in_flight_elsewhere == 0


def format_outcome(outcome: MessageOutcome) -> str:
    """One line per message: status, batch coordinates, records and event names, and why."""
    where = f"shard {outcome.shard_id} [{outcome.start}..{outcome.end}]" if outcome.shard_id else ""
    names = ", ".join(f"{name} x{count}" for name, count in sorted(outcome.event_names.items()))
    parts = [f"{outcome.status:<12}", f"{outcome.kind} {outcome.message_id}"]
    if where:
        parts.append(where)
    if outcome.records:
        records = f"{outcome.records} record(s)"
        if outcome.filtered_out:
            records += f" (+{outcome.filtered_out} filtered out)"
        parts.append(records + (f": {names}" if names else ""))
    if outcome.invocations:
        parts.append(f"{outcome.invocations} invocation(s)")
    if outcome.source != "stream":
        parts.append(f"records from {outcome.source}")
    if outcome.archived_to:
        parts.append(f"archived to {outcome.archived_to}")
    if outcome.detail:
        parts.append(outcome.detail)
    return "  ".join(parts)


def format_summary(report: RedriveReport) -> str:
    """The end-of-run summary table."""
    rows = [
        ("messages read", len(report.outcomes)),
        ("redriven and deleted", report.count("redriven")),
        ("records redriven", report.records_redriven),
        ("duplicates (removed, not re-run)", report.count("duplicate")),
        ("still failing (kept)", report.count("failed")),
        ("past retention (kept)", report.count("unavailable")),
        ("past retention (moved to archive queue)", report.count("moved")),
        ("not an on-failure record (kept)", report.count("unrecognised")),
        ("invalid (kept)", report.count("invalid")),
        ("invalid (moved to archive queue)", report.count("rejected")),
        ("nothing passes the filters (kept)", report.count("empty")),
        ("claimed by another redrive (skipped)", report.count("claimed")),
        ("rewritten while redriven (kept)", report.count("changed")),
        ("in flight elsewhere (not visible)", report.in_flight_elsewhere),
    ]
    if report.dry_run:
        rows.append(("would redrive (dry run)", report.count("dry-run")))
    if report.count("archived"):
        rows.append(("archived only (kept)", report.count("archived")))
    width = max(len(label) for label, _ in rows)
    lines = [
        "redrive summary" + (" (dry run: nothing invoked, archived or deleted)" if report.dry_run else "")
    ]
    lines += [f"  {label:<{width}}  {value:>6}" for label, value in rows]
    if report.in_flight_elsewhere:
        lines.append(
            f"note: {report.in_flight_elsewhere} message(s) were in flight (held by another consumer or a "
            "run that stopped) and not redriven: run again once their visibility timeout has passed"
        )
    return "\n".join(lines)
