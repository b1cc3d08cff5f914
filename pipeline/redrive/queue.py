"""Redrive from an SQS queue: the on-failure queue, or a queue subscribed to the on-failure topic.

The steps per message are the engine's (:mod:`pipeline.redrive.engine`); the queue side is
:class:`pipeline.redrive.sources.SqsSource`. A message whose records are past the stream's
retention is reported and kept (made visible again) or, with ``--archive-queue-url``, moved to
that queue - never silently deleted. With ``--records-from-archive``, such a batch is taken from
an earlier ``--archive`` instead (looked up by shard and sequence range).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from pipeline.redrive.engine import redrive
from pipeline.redrive.invoke import BatchRun, run_batch
from pipeline.redrive.options import DEFAULT_VISIBILITY_TIMEOUT, SQS_MAX_VISIBILITY_TIMEOUT, RedriveOptions
from pipeline.redrive.outcome import RedriveReport
from pipeline.redrive.sources import SqsSource
from pipeline.runtime.invoker import Invoker

__all__ = [
    "DEFAULT_VISIBILITY_TIMEOUT",
    "SQS_MAX_VISIBILITY_TIMEOUT",
    "BatchRun",
    "RedriveOptions",
    "redrive_queue",
    "run_batch",
]


def redrive_queue(
    *,
    sqs: Any,
    streams: Any,
    invoker: Invoker | None,
    options: RedriveOptions,
    s3_client_factory: Callable[[], Any] | None = None,
    out: TextIO | None = None,
) -> RedriveReport:
    """Redrive every message of ``options.queue_url`` and report what happened to each."""
    source = SqsSource(
        sqs,
        options.queue_url,
        visibility_timeout=options.visibility_timeout,
        wait_seconds=options.wait_seconds,
        max_messages=options.max_messages,
        archive_queue_url=options.archive_queue_url,
    )
    return redrive(
        source,
        streams=streams,
        invoker=invoker,
        options=options,
        s3_client_factory=s3_client_factory,
        out=out,
    )
