"""Per-shard checkpoints persisted to a JSON state file, so a stopped ``run`` resumes.

A checkpoint is the sequence number of the last record the mapping is done with (processed,
filtered out or given up) with every earlier record done too; reading resumes AFTER it. An
entry with a null checkpoint is a shard started at its trim horizon with nothing done yet. A
shard is ``finished`` once it was closed and drained, which is what lets its children start.
``inFlight`` holds the batches being retried and how often they were invoked, so a restart in
the middle of the retries keeps counting.

The file is only ever what this module wrote: it is parsed strictly (:mod:`pipeline.esm.state_file`)
and anything else is a :class:`~pipeline.errors.StateFileError`. Every save rewrites it
atomically (write a sibling, fsync, rename), so a crash leaves the old or the new state, never
half of one. A lock on ``<file>.lock`` (``flock``, released by the kernel when the process dies)
keeps a second poller off the same file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from pipeline.errors import StateFileError
from pipeline.esm.state_file import STATE_VERSION, InFlightBatch, ShardCheckpoint, parse_state

__all__ = ["CheckpointStore", "InFlightBatch", "ShardCheckpoint"]


def _lock(path: Path) -> int:
    """Hold ``<path>.lock`` exclusively; a second poller on the same file gets a clear error."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StateFileError(f"{path}: cannot create its lock file {lock_path}: {exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise StateFileError(
            f"{path}: in use by another poller (pid {holder} holds {lock_path}); "
            "stop it first, or give this one another --state-file"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


@dataclass
class CheckpointStore:
    """Thread-safe checkpoints of one stream; ``path=None`` keeps them in memory only."""

    path: Path | None
    stream_arn: str
    _shards: dict[str, ShardCheckpoint] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _lock_fd: int | None = field(default=None, init=False, repr=False)
    #: The state came from an existing file (which must then agree with the stream).
    loaded: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.path is None:
            return
        self._lock_fd = _lock(self.path)
        try:
            if self.path.exists() or self.path.is_symlink():
                self._shards = parse_state(self.path, self._read(self.path), self.stream_arn)
                self.loaded = True
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StateFileError(f"{path}: cannot be read: {exc}") from exc

    @property
    def persistent(self) -> bool:
        """Positions survive this process (a state file is in use)."""
        return self.path is not None

    def close(self) -> None:
        """Release the lock (the file stays; the next poller resumes from it)."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> CheckpointStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------------

    def get(self, shard_id: str) -> ShardCheckpoint:
        """The shard's state (a fresh, empty one for an unknown shard)."""
        with self._lock:
            return self._shards.get(shard_id, ShardCheckpoint())

    def known(self, shard_id: str) -> bool:
        """The shard has an entry: it was started before."""
        with self._lock:
            return shard_id in self._shards

    def entries(self) -> dict[str, ShardCheckpoint]:
        """Every shard's state."""
        with self._lock:
            return dict(self._shards)

    def finished_shards(self) -> set[str]:
        """Shards already drained to their end."""
        with self._lock:
            return {shard_id for shard_id, entry in self._shards.items() if entry.finished}

    def snapshot(self) -> dict[str, str | None]:
        """shard id -> checkpoint."""
        with self._lock:
            return {shard_id: entry.checkpoint for shard_id, entry in self._shards.items()}

    # -- writing -----------------------------------------------------------------------------------

    def commit(
        self,
        shard_id: str,
        checkpoint: str | None = None,
        *,
        finished: bool = False,
        in_flight: tuple[InFlightBatch, ...] | None = None,
    ) -> None:
        """Record progress (creating the shard's entry if needed) and persist it.

        ``checkpoint`` None keeps the current one; ``in_flight`` None keeps the current batches.
        """
        with self._lock:
            entry = self._shards.get(shard_id, ShardCheckpoint())
            entry = replace(
                entry,
                checkpoint=checkpoint if checkpoint is not None else entry.checkpoint,
                finished=entry.finished or finished,
                in_flight=() if finished else (entry.in_flight if in_flight is None else in_flight),
            )
            self._shards[shard_id] = entry
            self._write()

    def forget(self, shard_id: str) -> None:
        """Drop a finished shard the stream no longer lists (its records expired with it)."""
        with self._lock:
            if self._shards.pop(shard_id, None) is not None:
                self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        document = {
            "version": STATE_VERSION,
            "streamArn": self.stream_arn,
            "updatedAt": datetime.now(UTC).isoformat(),
            "shards": {shard_id: entry.to_json() for shard_id, entry in sorted(self._shards.items())},
        }
        partial = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, self.path)
        except OSError as exc:
            raise StateFileError(f"{self.path}: cannot be written: {exc}") from exc
