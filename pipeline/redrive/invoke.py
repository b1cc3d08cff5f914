"""Re-running one parked batch through the function, with the mapping's retry rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.esm.retry import judge
from pipeline.runtime.invoker import Invoker
from pipeline.stream.records import sequence_number_of


@dataclass
class BatchRun:
    """How a batch's re-run went: invocations made, records still failing, and why."""

    invocations: int = 0
    failed: list[str] = field(default_factory=list)
    #: The last failure: the function's ``errorType: errorMessage``, or what its answer reported.
    reason: str = ""


def run_batch(invoker: Invoker, records: list[dict[str, Any]], max_attempts: int) -> BatchRun:
    """Invoke until every record succeeded or the attempts are spent.

    Like the event source mapping, a retry starts at the lowest failed sequence number: records
    before it succeeded, records after it are re-sent (idempotency absorbs the repeat). The
    answer is read as the mapping reads it with ReportBatchItemFailures on.
    """
    pending = records
    run = BatchRun()
    while pending and run.invocations < max_attempts:
        run.invocations += 1
        sequences = [sequence_number_of(record) for record in pending]
        outcome = judge(invoker.invoke({"Records": pending}), sequences, report_item_failures=True)
        run.failed, run.reason = outcome.remaining(sequences), outcome.reason
        if outcome.retry_from is None:
            return run
        pending = pending[outcome.retry_from :]
    return run
