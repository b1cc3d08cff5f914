"""A record processor that does no work, so the handler benchmark times the handler alone.

Point ``STREAM_HANDLER_PROCESSOR`` at ``benchmarks.noop_processor:process_record``. It has the
handler's processor signature ``(record, context)``. The stock-Powertools and plain-loop
variants of the benchmark call it too, so every variant pays the same per-record call, and the
call counter lets the benchmark check that each variant really handed over every record.
"""

from __future__ import annotations

CALLS = [0]
"""Records seen since import; a list so the increment stays a single cheap operation."""


def process_record(record: object, context: object) -> None:
    """Accept any change record, count it, and do nothing else with it."""
    del record, context
    CALLS[0] += 1
