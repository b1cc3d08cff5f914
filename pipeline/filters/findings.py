"""What ``filter lint`` (and the never-matches checks) report: one finding per problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Finding", "Severity", "has_errors"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a filter: how bad it is, where (JSON path in the pattern), and what to change."""

    severity: Severity
    path: str
    message: str
    filter_index: int | None = None

    def format(self) -> str:
        where = f"filter {self.filter_index} " if self.filter_index is not None else ""
        return f"{self.severity}: {where}{self.path}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "filter": self.filter_index,
            "path": self.path,
            "message": self.message,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity == "error" for finding in findings)
