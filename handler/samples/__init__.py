"""Sample DynamoDB Streams events (recorded AWS shape) and a local runner.

``python -m handler.samples`` runs the handler, configured from the environment like in Lambda,
on every sample here (or on the JSON files named on the command line) and prints each response.

* ``insert-profiles.json`` - two valid profile INSERTs (numbers, a set, binary, nested map/list).
* ``mixed-batch.json`` - a valid INSERT, an invalid profile, a MODIFY and a REMOVE (skipped by the
  default INSERT-only guard), a record with an unknown attribute type, and another valid INSERT.
* ``keys-only.json`` - an INSERT from a KEYS_ONLY stream: no NewImage, so every record fails.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent


def sample_paths() -> list[Path]:
    """The bundled sample events, in name order."""
    return sorted(SAMPLES_DIR.glob("*.json"))
