"""Per-shard checkpoints persisted to a JSON state file, so a stopped ``run`` resumes.

A checkpoint is the sequence number of the last record the mapping is done with (processed,
filtered out or given up); reading resumes AFTER it. A shard is ``finished`` once it was
closed and drained, which is what lets its children start. Every save rewrites the whole
file atomically (write a sibling, then rename), so a crash leaves the old or the new state,
never half of one.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

STATE_VERSION = 1


@dataclass
class ShardCheckpoint:
    """Where one shard stands."""

    checkpoint: str | None = None
    finished: bool = False


class CheckpointStore:
    """Thread-safe checkpoints of one stream; ``path=None`` keeps them in memory only."""

    def __init__(self, path: Path | None, stream_arn: str) -> None:
        self.path = path
        self.stream_arn = stream_arn
        self._lock = threading.Lock()
        self._shards: dict[str, ShardCheckpoint] = {}
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            document: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise PipelineError(f"cannot read the state file {path}: {exc}") from exc
        if document.get("streamArn") != self.stream_arn:
            raise PipelineError(
                f"the state file {path} belongs to stream {document.get('streamArn')}, "
                f"not {self.stream_arn}; use another --state-file"
            )
        for shard_id, entry in (document.get("shards") or {}).items():
            self._shards[shard_id] = ShardCheckpoint(entry.get("checkpoint"), bool(entry.get("finished")))

    def get(self, shard_id: str) -> ShardCheckpoint:
        """The shard's state (a fresh, empty one for an unknown shard)."""
        with self._lock:
            entry = self._shards.get(shard_id)
            return ShardCheckpoint(entry.checkpoint, entry.finished) if entry else ShardCheckpoint()

    def finished_shards(self) -> set[str]:
        """Shards already drained to their end."""
        with self._lock:
            return {shard_id for shard_id, entry in self._shards.items() if entry.finished}

    def snapshot(self) -> dict[str, str | None]:
        """shard id -> checkpoint."""
        with self._lock:
            return {shard_id: entry.checkpoint for shard_id, entry in self._shards.items()}

    def commit(self, shard_id: str, checkpoint: str | None = None, *, finished: bool = False) -> None:
        """Record progress and persist it."""
        with self._lock:
            entry = self._shards.setdefault(shard_id, ShardCheckpoint())
            if checkpoint is not None:
                entry.checkpoint = checkpoint
            entry.finished = entry.finished or finished
            self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        document = {
            "version": STATE_VERSION,
            "streamArn": self.stream_arn,
            "updatedAt": datetime.now(UTC).isoformat(),
            "shards": {
                shard_id: {"checkpoint": entry.checkpoint, "finished": entry.finished}
                for shard_id, entry in sorted(self._shards.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.path)
