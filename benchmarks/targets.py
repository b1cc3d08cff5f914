"""A benchmark target: a measured ratio against its limit, printed and written the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    name: str
    ratio: float
    limit: float
    higher_is_better: bool

    @property
    def passed(self) -> bool:
        return self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "PASS" if self.passed else "MISS"
        return f"  {self.name:<62} {self.ratio:6.2f}x  (target {sign} {self.limit}x)  {verdict}"

    def as_json(self) -> dict[str, Any]:
        return {"ratio": round(self.ratio, 3), "limit": self.limit, "passed": self.passed}
