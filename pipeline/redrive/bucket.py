"""Redrive from an S3 on-failure destination: every object carries its batch under ``payload``.

No stream read is needed, so this works after the stream's 24 hours. An object is moved to
``redriven/<key>`` (or deleted, ``after_redrive="delete"``) only after ALL its records
succeeded; see :class:`pipeline.redrive.sources.S3Source` for leases and interrupted moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from pipeline.errors import InputError
from pipeline.redrive.engine import redrive
from pipeline.redrive.options import RedriveOptions
from pipeline.redrive.outcome import RedriveReport
from pipeline.redrive.sources import S3Source, parse_s3_location
from pipeline.runtime.invoker import Invoker

__all__ = ["redrive_bucket"]


def redrive_bucket(
    *,
    s3: Any,
    location: str,
    invoker: Invoker | None,
    options: RedriveOptions,
    streams: Any = None,
    s3_client_factory: Callable[[], Any] | None = None,
    out: TextIO | None = None,
) -> RedriveReport:
    """Redrive every on-failure object under ``location`` (``s3://bucket[/prefix]``)."""
    if options.archive_queue_url or options.records_archive:
        raise InputError(
            "an S3 source carries its records: --archive-queue-url and --records-from-archive do not apply"
        )
    bucket, prefix = parse_s3_location(location)
    source = S3Source(
        s3,
        bucket,
        prefix,
        lease_seconds=options.visibility_timeout,
        after_redrive=options.after_redrive,
        dry_run=options.dry_run,
        max_messages=options.max_messages,
    )
    return redrive(
        source,
        streams=streams,
        invoker=invoker,
        options=options,
        s3_client_factory=s3_client_factory or (lambda: s3),
        out=out,
    )
