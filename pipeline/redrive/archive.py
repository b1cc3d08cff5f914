"""Archive the records behind on-failure messages, so they outlive the stream's 24-hour retention.

An on-failure message holds pointers (shard, first and last sequence number), not the records. Once
the stream trims them, a parked failure can no longer be reprocessed, so ``redrive --archive`` saves
the full records of every message it reads BEFORE it does anything else with it.

One archive entry per failure message, as one JSON object::

    {"archiveVersion": 1, "archivedAt": "2026-11-22T18:40:00.123Z", "messageId": "...",
     "failure": {<the on-failure message body>}, "records": [<Lambda-shaped stream records>]}

Destinations:

* a local path: entries are appended to it as JSON lines (one entry per line);
* ``s3://bucket/prefix``: one object per message, ``<prefix>/<shardId>/<start>-<end>.jsonl``,
  holding that entry as a single JSON line. The key is derived from the batch's coordinates, so
  archiving the same failure twice overwrites the same object instead of piling up copies.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from pipeline.errors import PipelineError

__all__ = [
    "ARCHIVE_VERSION",
    "ArchiveEntry",
    "ArchiveError",
    "ArchiveIndex",
    "ArchiveWriter",
    "FileArchive",
    "FileArchiveIndex",
    "S3Archive",
    "S3ArchiveIndex",
    "open_archive",
    "open_archive_index",
    "read_archive_file",
    "s3_key",
]

ARCHIVE_VERSION: Final = 1


class ArchiveError(PipelineError):
    """The archive destination cannot be written or read (bad URI, unwritable path, S3 error)."""


@dataclass(frozen=True)
class ArchiveEntry:
    """The records of one on-failure message, with the message that pointed at them."""

    message_id: str
    failure: Mapping[str, Any]
    records: Sequence[Mapping[str, Any]]
    archived_at: str

    def to_json(self) -> dict[str, Any]:
        """The entry as the JSON object written to the archive."""
        return {
            "archiveVersion": ARCHIVE_VERSION,
            "archivedAt": self.archived_at,
            "messageId": self.message_id,
            "failure": dict(self.failure),
            "records": [dict(record) for record in self.records],
        }

    def coordinates(self) -> tuple[str, str, str]:
        """(shardId, startSequenceNumber, endSequenceNumber) of the failed batch."""
        info = self.failure.get("DDBStreamBatchInfo", {})
        if not isinstance(info, Mapping):
            info = {}
        return (
            str(info.get("shardId", "unknown-shard")),
            str(info.get("startSequenceNumber", "unknown")),
            str(info.get("endSequenceNumber", "unknown")),
        )

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> ArchiveEntry:
        """Parse one archived entry; raises :class:`ArchiveError` when it is not one."""
        if document.get("archiveVersion") != ARCHIVE_VERSION:
            raise ArchiveError(f"not a version {ARCHIVE_VERSION} archive entry: {str(document)[:200]}")
        failure, records = document.get("failure"), document.get("records")
        if not isinstance(failure, dict) or not isinstance(records, list):
            raise ArchiveError("archive entry lacks its 'failure' object or 'records' list")
        return cls(
            message_id=str(document.get("messageId", "")),
            failure=failure,
            records=records,
            archived_at=str(document.get("archivedAt", "")),
        )


def utc_timestamp(now: dt.datetime | None = None) -> str:
    """ISO-8601 UTC with milliseconds, the format AWS uses in on-failure messages."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class ArchiveWriter(Protocol):
    """Where archive entries go; ``describe`` names the destination in reports."""

    def write(self, entry: ArchiveEntry) -> str:
        """Store ``entry``; returns where it went (a path or an s3:// URI)."""
        ...

    def describe(self) -> str:
        """The destination, for the summary."""
        ...


class FileArchive:
    """Appends entries to a local JSON-lines file, flushed and fsynced per entry.

    Each entry is written and synced before the message is touched, so a crash during redrive
    never leaves a message deleted whose records were not yet on disk.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    def write(self, entry: ArchiveEntry) -> str:
        line = json.dumps(entry.to_json(), sort_keys=True, separators=(",", ":")) + "\n"
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("a+b") as stream:
                # A run killed mid-write leaves a torn last line: end it, or this entry would be glued on.
                if stream.seek(0, os.SEEK_END) > 0:
                    stream.seek(-1, os.SEEK_END)
                    if stream.read(1) != b"\n":
                        line = "\n" + line
                stream.write(line.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise ArchiveError(f"cannot write archive file {self._path}: {exc}") from exc
        return str(self._path)

    def describe(self) -> str:
        return str(self._path)


class S3Archive:
    """Writes one object per failure message under ``s3://bucket/prefix``."""

    def __init__(self, s3_client: Any, bucket: str, prefix: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = prefix.strip("/")

    def key_for(self, entry: ArchiveEntry) -> str:
        """``<prefix>/<shardId>/<start>-<end>.jsonl``: stable for the same failure."""
        shard, start, end = entry.coordinates()
        return s3_key(self._prefix, shard, start, end)

    def write(self, entry: ArchiveEntry) -> str:
        key = self.key_for(entry)
        body = json.dumps(entry.to_json(), sort_keys=True, separators=(",", ":")) + "\n"
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body.encode("utf-8"),
                ContentType="application/x-ndjson",
            )
        except (ClientError, BotoCoreError) as exc:
            raise ArchiveError(f"cannot write s3://{self._bucket}/{key}: {exc}") from exc
        return f"s3://{self._bucket}/{key}"

    def describe(self) -> str:
        return f"s3://{self._bucket}/{self._prefix}" if self._prefix else f"s3://{self._bucket}"


def s3_key(prefix: str, shard_id: str, start: str, end: str) -> str:
    """The object key of one failure's archive entry under ``prefix``."""
    parts = [part for part in (prefix.strip("/"), shard_id, f"{start}-{end}.jsonl") if part]
    return "/".join(parts)


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split ``s3://bucket/prefix`` into bucket and prefix; the prefix may be empty."""
    rest = uri.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ArchiveError(f"bad S3 archive URI '{uri}': expected s3://bucket[/prefix]")
    return bucket, prefix


def open_archive(target: str, s3_client_factory: Any) -> ArchiveWriter:
    """An archive for ``target``: a local JSON-lines path or an ``s3://bucket/prefix`` URI.

    ``s3_client_factory`` is only called for S3 targets, so a local archive never needs S3.
    """
    if target.startswith("s3://"):
        bucket, prefix = parse_s3_uri(target)
        return S3Archive(s3_client_factory(), bucket, prefix)
    if "://" in target:
        raise ArchiveError(f"unsupported archive target '{target}': use a file path or s3://bucket/prefix")
    return FileArchive(Path(target))


def read_archive_file(path: Path, damaged: list[str] | None = None) -> Iterator[ArchiveEntry]:
    """The entries of a JSON-lines archive file, in the order they were written.

    A line that is not JSON raises, unless ``damaged`` is given: then it is skipped and described
    there. That is what a run killed mid-write leaves, and skipping it loses nothing: the entry is
    written before its message is touched, so that message is still parked.
    """
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    document = json.loads(line)
                except json.JSONDecodeError as exc:
                    if damaged is None:
                        raise ArchiveError(f"{path}:{number}: not JSON: {exc}") from exc
                    damaged.append(f"{path}:{number}: not JSON (a write cut short?), skipped: {exc}")
                    continue
                if not isinstance(document, dict):
                    raise ArchiveError(f"{path}:{number}: not an archive entry")
                yield ArchiveEntry.from_json(document)
    except OSError as exc:
        raise ArchiveError(f"cannot read archive file {path}: {exc}") from exc


# --------------------------------------------------------------------------------------------------
# Reading records back, once the stream no longer has them
# --------------------------------------------------------------------------------------------------


class ArchiveIndex(Protocol):
    """Finds the archived records of a failed batch by its coordinates."""

    #: Parts of the archive that could not be read and were skipped, described for the report.
    damaged: list[str]

    def find(self, shard_id: str, start: str, end: str) -> ArchiveEntry | None:
        """The entry archived for that batch, or None."""
        ...

    def describe(self) -> str:
        """The archive, for reports."""
        ...


class FileArchiveIndex:
    """All entries of a JSON-lines archive, by batch coordinates (the latest entry wins)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.damaged: list[str] = []
        self._entries = {entry.coordinates(): entry for entry in read_archive_file(path, self.damaged)}

    def find(self, shard_id: str, start: str, end: str) -> ArchiveEntry | None:
        return self._entries.get((shard_id, start, end))

    def describe(self) -> str:
        return str(self._path)


class S3ArchiveIndex:
    """Looks entries up by the same deterministic key :class:`S3Archive` writes them under."""

    def __init__(self, s3_client: Any, bucket: str, prefix: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = prefix
        self.damaged: list[str] = []

    def find(self, shard_id: str, start: str, end: str) -> ArchiveEntry | None:
        key = s3_key(self._prefix, shard_id, start, end)
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in {"NoSuchKey", "404"}:
                return None
            raise ArchiveError(f"cannot read s3://{self._bucket}/{key}: {exc}") from exc
        except BotoCoreError as exc:
            raise ArchiveError(f"cannot read s3://{self._bucket}/{key}: {exc}") from exc
        try:
            document = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ArchiveError(f"s3://{self._bucket}/{key} is not an archive entry: {exc}") from exc
        return ArchiveEntry.from_json(document)

    def describe(self) -> str:
        return f"s3://{self._bucket}/{self._prefix}".rstrip("/")


def open_archive_index(source: str, s3_client_factory: Any) -> ArchiveIndex:
    """An index over a local JSON-lines archive or an ``s3://bucket/prefix`` archive."""
    if source.startswith("s3://"):
        bucket, prefix = parse_s3_uri(source)
        return S3ArchiveIndex(s3_client_factory(), bucket, prefix)
    if "://" in source:
        raise ArchiveError(f"unsupported archive '{source}': use a file path or s3://bucket/prefix")
    return FileArchiveIndex(Path(source))
