"""The error an invalid filter pattern raises, and the JSON paths its messages point with."""

from __future__ import annotations

import json
import re
from typing import Final

__all__ = ["MAX_PATTERN_DEPTH", "FilterPatternError", "json_path", "json_type"]

#: Nesting deeper than this is refused: DynamoDB images nest at most 32 levels, plus the envelope.
MAX_PATTERN_DEPTH: Final = 40
_SIMPLE_KEY: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class FilterPatternError(ValueError):
    """A filter pattern that AWS would reject ("Invalid filter pattern definition.").

    ``path`` is the JSON path inside the pattern (``$`` is the pattern itself) and ``filter_index``
    the position of the filter in its FilterCriteria, when known, so a message can point at the
    exact spot to fix.
    """

    def __init__(self, problem: str, path: str = "$", filter_index: int | None = None) -> None:
        self.problem = problem
        self.path = path
        self.filter_index = filter_index
        where = f"filter {filter_index}, " if filter_index is not None else ""
        super().__init__(f"Invalid filter pattern ({where}at {path}): {problem}")

    def in_filter(self, filter_index: int) -> FilterPatternError:
        """The same error, located in filter ``filter_index`` of a FilterCriteria."""
        return FilterPatternError(self.problem, self.path, filter_index)


def json_path(parent: str, key: str | int) -> str:
    """Append ``key`` to a JSON path in the ``$.a.b[0]["odd key"]`` notation used in messages."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _SIMPLE_KEY.match(key) or key == "$or":
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key)}]"


def json_type(value: object) -> str:
    """How a message names the JSON type of ``value`` ("a string", "null" ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
