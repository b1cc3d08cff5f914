"""Find filter patterns that AWS accepts but that silently never (or always) match DynamoDB records.

Lambda validates only the syntax of a pattern. A pattern written for the wrong record shape is
accepted and then quietly drops every record (or lets every record through), which is the costliest
kind of misconfiguration because nothing fails. The checks below encode the DynamoDB record shape:

* attribute values are typed, so ``NewImage.status`` must be ``NewImage.status.S``;
* ``N`` values are strings, so ``numeric`` and number literals never match them;
* ``exists`` on an attribute (instead of its type key) tests an object, never a leaf;
* Kinesis' ``data`` key and other unknown keys do not exist in DynamoDB records;
* eventName is only INSERT, MODIFY or REMOVE;
* the Lambda API limits: a pattern is at most 4096 characters, 5 filters by default (10 with a quota
  increase).

Anything the matcher rejects (:mod:`pipeline.filters.rules`) is reported as an error finding, never
raised. The record-shape checks live in :mod:`pipeline.filters.record_shape`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pipeline.filters.findings import Finding, has_errors
from pipeline.filters.record_shape import RecordShapeWalker
from pipeline.filters.rules import FilterPatternError, compile_pattern

__all__ = [
    "DEFAULT_MAX_FILTERS",
    "MAX_PATTERN_LENGTH",
    "Finding",
    "has_errors",
    "lint_filters",
    "lint_pattern",
]

MAX_PATTERN_LENGTH: Final = 4096  # Lambda API: Filter.Pattern maximum length
DEFAULT_MAX_FILTERS: Final = 5  # default quota per event source mapping
QUOTA_MAX_FILTERS: Final = 10  # the most a quota increase allows


def lint_filters(
    criteria: Sequence[Any] | Mapping[str, Any], max_filters: int = DEFAULT_MAX_FILTERS
) -> list[Finding]:
    """Lint a whole FilterCriteria (``{"Filters": [...]}``) or a list of patterns (strings or dicts)."""
    findings: list[Finding] = []
    patterns: list[Any]
    malformed = object()  # marks a Filters item that has no Pattern (None is a pattern: JSON null)
    if isinstance(criteria, Mapping):
        filters = criteria.get("Filters")
        if not isinstance(filters, list):
            return [Finding("error", "$", 'a FilterCriteria needs "Filters": a list of {"Pattern": "..."}')]
        patterns = []
        for index, item in enumerate(filters):
            if isinstance(item, Mapping) and "Pattern" in item:
                patterns.append(item["Pattern"])
            else:
                findings.append(Finding("error", "$", 'each filter must be {"Pattern": "..."}', index))
                patterns.append(malformed)
    else:
        patterns = list(criteria)
    limit = min(max_filters, QUOTA_MAX_FILTERS)
    if len(patterns) > limit:
        findings.append(
            Finding(
                "error",
                "$",
                f"{len(patterns)} filters; an event source mapping takes at most {limit} "
                f"(default quota {DEFAULT_MAX_FILTERS}, at most {QUOTA_MAX_FILTERS} with a quota increase): "
                "merge filters with lists of values or $or",
            )
        )
    for index, pattern in enumerate(patterns):
        if pattern is not malformed:
            findings.extend(lint_pattern(pattern, index))
    return findings


def lint_pattern(pattern: object, filter_index: int | None = None) -> list[Finding]:
    """Lint one pattern: its JSON text (as Lambda stores it) or an already parsed object."""
    text = pattern if isinstance(pattern, str) else _dumps(pattern)
    if text is None:
        return [Finding("error", "$", "a pattern must be JSON text or a JSON object", filter_index)]
    findings: list[Finding] = []
    if len(text) > MAX_PATTERN_LENGTH:
        findings.append(
            Finding(
                "error",
                "$",
                f"pattern is {len(text)} characters; Lambda accepts at most {MAX_PATTERN_LENGTH}: "
                "split it into several filters or shorten value lists with prefix",
                filter_index,
            )
        )
    try:
        compiled = compile_pattern(text)
    except FilterPatternError as err:
        findings.append(Finding("error", err.path, err.problem, filter_index))
        return findings
    walker = RecordShapeWalker(filter_index)
    walker.record(compiled.pattern, "$")
    return findings + walker.findings


def _dumps(pattern: object) -> str | None:
    try:
        return json.dumps(pattern, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None
