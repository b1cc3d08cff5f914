"""The one rule for what to re-invoke after an invocation, shared by the poller and redrive.

From the Lambda developer guide (error handling and partial batch responses for DynamoDB
streams): a function error, a timeout, a crash or an invalid partial batch response fails the
whole batch; a valid partial batch response fails the records from the LOWEST reported sequence
number on, because that is where the mapping checkpoints and resumes; records before it
succeeded.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.esm.batch_response import Verdict, evaluate_response
from pipeline.runtime.invoker import InvokeResult, InvokeStatus


class Failure(enum.StrEnum):
    """Why a batch (or part of it) must be invoked again."""

    NONE = "none"
    PARTIAL = "partial"  # a valid batchItemFailures answer
    INVALID_RESPONSE = "invalid-response"  # batchItemFailures Lambda cannot use: the whole batch failed
    FUNCTION_ERROR = "function-error"  # raised, timed out or crashed
    TIMEOUT = "timeout"
    CRASH = "crash"


@dataclass(frozen=True)
class Outcome:
    """What one invocation of a batch means for it."""

    failure: Failure
    #: Index of the first record to invoke again (None: every record succeeded).
    retry_from: int | None
    reason: str = ""

    @property
    def succeeded(self) -> bool:
        """Every record of the batch is done."""
        return self.retry_from is None

    @property
    def whole_batch_failed(self) -> bool:
        """The function failed the batch as a whole (what bisecting splits); partial answers do not."""
        return self.failure not in (Failure.NONE, Failure.PARTIAL)

    def remaining(self, sequence_numbers: Sequence[str]) -> list[str]:
        """The sequence numbers still to process, in batch order."""
        return [] if self.retry_from is None else list(sequence_numbers[self.retry_from :])


_FAILED_INVOCATION = {
    InvokeStatus.ERROR: Failure.FUNCTION_ERROR,
    InvokeStatus.TIMEOUT: Failure.TIMEOUT,
    InvokeStatus.CRASH: Failure.CRASH,
}


def judge(result: InvokeResult, sequence_numbers: Sequence[str], report_item_failures: bool) -> Outcome:
    """Apply Lambda's rules to one invocation of the batch with these sequence numbers."""
    if not result.ok:
        return Outcome(_FAILED_INVOCATION[result.status], 0, result.describe_error())
    response = evaluate_response(result.payload, sequence_numbers, report_item_failures)
    if response.verdict is Verdict.SUCCESS:
        return Outcome(Failure.NONE, None)
    if response.verdict is Verdict.INVALID or response.first_failed_index is None:
        return Outcome(Failure.INVALID_RESPONSE, 0, response.reason)
    first = sequence_numbers[response.first_failed_index]
    return Outcome(Failure.PARTIAL, response.first_failed_index, f"the function reported {first} as failed")
