"""The module's runtime deprecation warning and the packager's use the same dates.

Terraform cannot read Python, so the dates are written twice (modules/lambda-function/main.tf and
devtools/lambda_runtimes.py); this test is what keeps the two copies one truth.
"""

from __future__ import annotations

from pathlib import Path

import hcl2

from devtools.lambda_runtimes import RUNTIMES

MODULE = Path(__file__).resolve().parents[2] / "modules" / "lambda-function" / "main.tf"


def _module_dates() -> dict[str, str]:
    with MODULE.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    (dates,) = [
        block["runtime_deprecation_dates"]
        for block in document["locals"]
        if "runtime_deprecation_dates" in block
    ]
    return {key.strip('"'): value.strip('"') for key, value in dates.items()}


def test_the_module_warns_on_the_packagers_deprecation_dates() -> None:
    expected = {
        identifier: f"{runtime.deprecated.isoformat()}T00:00:00Z"
        for identifier, runtime in RUNTIMES.items()
        if runtime.operating_system == "Amazon Linux 2023"
    }
    assert _module_dates() == expected
    assert set(expected) == {"python3.12", "python3.13", "python3.14"}
