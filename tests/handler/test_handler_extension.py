"""The STREAM_HANDLER_PROCESSOR extension point, including handler/README.md's worked example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from handler.config import ConfigError
from handler.processing import load_processor
from tests.handler.support import batch, profile_image, sequence_number, stream_record

REPO = Path(__file__).resolve().parents[2]
README = REPO / "handler" / "README.md"


def _worked_example() -> str:
    """The Python block of the README's worked example, exactly as documented."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```python\n(# acme_profiles/status_changes\.py\n.*?)```", text, re.DOTALL)
    assert match is not None, "the worked example is missing from handler/README.md"
    return match.group(1)


@pytest.fixture
def team_package(tmp_path: Path) -> Path:
    """A directory holding the team's package, as it would sit next to handler/ in the zip."""
    package = tmp_path / "acme_profiles"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "status_changes.py").write_text(_worked_example(), encoding="utf-8")
    return tmp_path


def _run_entrypoint(env: dict[str, str], event: dict[str, Any], extra_path: Path | None = None) -> Any:
    """Import handler.entrypoint in a fresh interpreter with ``env`` and invoke it once."""
    script = (
        "import json, sys\n"
        "from handler.entrypoint import lambda_handler\n"
        "response = lambda_handler(json.loads(sys.stdin.read()), None)\n"
        "print('RESPONSE ' + json.dumps(response))\n"
    )
    python_path = os.pathsep.join(str(path) for path in (REPO, extra_path) if path is not None)
    base = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": python_path,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(event),
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_readme_worked_example_runs_from_the_environment(team_package: Path) -> None:
    changed = stream_record(
        1,
        event_name="MODIFY",
        new_image=profile_image("u-0001", status={"S": "suspended"}),
        old_image=profile_image("u-0001"),
    )
    unchanged = stream_record(2, event_name="MODIFY", old_image=profile_image("u-0002"))
    inserted = stream_record(3)  # not allowed: skipped
    keys_only = stream_record(4, event_name="MODIFY", view_type="KEYS_ONLY")

    result = _run_entrypoint(
        {
            "STREAM_HANDLER_PROCESSOR": "acme_profiles.status_changes:on_status_change",
            "STREAM_HANDLER_ALLOWED_EVENT_NAMES": "MODIFY",
        },
        batch(changed, unchanged, inserted, keys_only),
        extra_path=team_package,
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    changes = [line for line in lines if line.get("message") == "profile status changed"]
    assert [(line["sequence_number"], line["from"], line["to"]) for line in changes] == [
        (sequence_number(1), "active", "suspended")
    ]
    metrics = next(line for line in lines if "_aws" in line)
    assert metrics["StatusChanges"] == [1.0]
    assert metrics["RecordsProcessed"] == [2.0]
    assert metrics["RecordsSkipped"] == [1.0]
    assert metrics["RecordsDropped"] == [1.0]
    assert result.stdout.splitlines()[-1] == 'RESPONSE {"batchItemFailures": []}'


def test_bad_processor_spec_fails_init_naming_the_variable() -> None:
    result = _run_entrypoint({"STREAM_HANDLER_PROCESSOR": "handler.processors.user_profile"}, batch())

    assert result.returncode != 0
    assert (
        "handler.config.ConfigError: STREAM_HANDLER_PROCESSOR: expected 'package.module:function', "
        "got 'handler.processors.user_profile'"
    ) in result.stderr


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon", "STREAM_HANDLER_PROCESSOR: expected 'package.module:function', got 'no_colon'"),
        ("a.b:c:d", "STREAM_HANDLER_PROCESSOR: expected 'package.module:function', got 'a.b:c:d'"),
        (
            "does_not_exist_anywhere:run",
            "STREAM_HANDLER_PROCESSOR: cannot import module 'does_not_exist_anywhere'",
        ),
        (
            "json:no_such_function",
            "STREAM_HANDLER_PROCESSOR: module 'json' has no attribute 'no_such_function'",
        ),
        ("json:__doc__", "STREAM_HANDLER_PROCESSOR: 'json:__doc__' is not callable"),
        ("json:dumps", "STREAM_HANDLER_PROCESSOR: 'json:dumps' must accept two positional arguments"),
    ],
)
def test_load_processor_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_processor(spec)

    assert str(raised.value).startswith(message)


def test_load_processor_returns_the_named_function(
    team_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(team_package))

    processor = load_processor("acme_profiles.status_changes:on_status_change")

    assert processor.__module__ == "acme_profiles.status_changes"
    assert processor.__name__ == "on_status_change"
