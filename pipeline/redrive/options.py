"""What one redrive run does: the options every source (SQS queue, S3 bucket) shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pipeline.errors import PipelineError
from pipeline.filters.rules import FilterCriteria

#: Seconds a message (or object) stays claimed by a run; a heartbeat renews the claim every third
#: of it while the run holds the item, so a killed run's items come back within this time.
DEFAULT_VISIBILITY_TIMEOUT: Final = 60
MIN_VISIBILITY_TIMEOUT: Final = 3
SQS_MAX_VISIBILITY_TIMEOUT: Final = 43200  # 12 hours, the SQS limit
#: What happens to an S3 object once all its records succeeded.
AFTER_REDRIVE: Final = ("move", "delete")


@dataclass(frozen=True)
class RedriveOptions:
    """What one redrive run does.

    ``queue_url`` is the SQS source (empty for an S3 source). ``stream_arn``: the stream whose
    batches this run redrives; None: the stream of the first valid message, so a run never
    mixes streams. ``move_invalid``: move invalid messages to ``archive_queue_url`` too.
    ``after_redrive``: an S3 object is moved to ``redriven/<key>`` or deleted.
    """

    queue_url: str = ""
    filters: FilterCriteria = field(default_factory=FilterCriteria)
    dry_run: bool = False
    archive: str | None = None
    archive_only: bool = False
    archive_queue_url: str | None = None
    records_archive: str | None = None
    max_messages: int | None = None
    max_attempts: int = 1
    wait_seconds: int = 1
    visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT
    stream_arn: str | None = None
    move_invalid: bool = False
    after_redrive: str = "move"

    def __post_init__(self) -> None:
        # With 0 attempts nothing would be invoked and every message would count as done.
        if self.max_attempts < 1:
            raise PipelineError(f"max attempts must be at least 1, got {self.max_attempts}")
        if self.max_messages is not None and self.max_messages < 1:
            raise PipelineError(f"max messages must be at least 1, got {self.max_messages}")
        if not MIN_VISIBILITY_TIMEOUT <= self.visibility_timeout <= SQS_MAX_VISIBILITY_TIMEOUT:
            raise PipelineError(
                f"visibility timeout must be {MIN_VISIBILITY_TIMEOUT}..{SQS_MAX_VISIBILITY_TIMEOUT} s, "
                f"got {self.visibility_timeout}"
            )
        if not 0 <= self.wait_seconds <= 20:  # SQS's long-poll limit
            raise PipelineError(f"wait seconds must be 0..20 (SQS long polling), got {self.wait_seconds}")
        if self.move_invalid and not self.archive_queue_url:
            raise PipelineError("moving invalid messages needs an archive queue (--archive-queue-url)")
        if self.after_redrive not in AFTER_REDRIVE:
            raise PipelineError(f"after redrive must be move or delete, got {self.after_redrive!r}")
        if self.archive_only and not self.archive:
            raise PipelineError("--archive-only needs --archive PATH")
