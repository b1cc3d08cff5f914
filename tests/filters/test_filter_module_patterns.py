"""The patterns the Terraform module renders (modules/esm-settings, applied by real Terraform) are
lint-clean and let exactly the intended records through.

This ties the two halves together: a rendering bug in the module (an untyped attribute, a number
literal for an N value) would be a silent never-match on AWS, and lint is what would catch it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.filters.lint import lint_filters
from pipeline.filters.rules import FilterCriteria
from pipeline.settings.loader import ESM_MODULE
from pipeline.settings.terraform import render_module

TFVARS: dict[str, Any] = {
    "event_names": ["INSERT", "MODIFY"],
    "filters": [
        {
            "new_image": {
                "status": {"type": "S", "equals": ["ACTIVE", "NEW"]},
                "age": {"type": "N", "anything_but": ["0"]},
            }
        },
        {
            "event_names": ["MODIFY"],
            "old_image": {"email": {"type": "S", "prefix": "admin@"}},
            "keys": {"pk": {"type": "S", "suffix": "#1"}},
        },
        {
            "new_image": {
                "vip": {"type": "BOOL", "equals": ["true"]},
                "name": {"type": "S", "equals_ignore_case": "bob"},
                "deleted_at": {"type": "N", "exists": False},
            }
        },
    ],
}


@pytest.fixture(scope="module")
def mapping(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    var_file = tmp_path_factory.mktemp("tfvars") / "filters.tfvars.json"
    var_file.write_text(json.dumps(TFVARS))
    rendered: dict[str, Any] = render_module(ESM_MODULE, var_file, cache_dir=None)["mapping"]
    return rendered


def _record(
    name: str, pk: str, new: dict[str, Any] | None, old: dict[str, Any] | None = None
) -> dict[str, Any]:
    ddb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1.7e9,
        "Keys": {"pk": {"S": pk}},
        "SequenceNumber": "1",
    }
    if new is not None:
        ddb["NewImage"] = {"pk": {"S": pk}, **new}
    if old is not None:
        ddb["OldImage"] = {"pk": {"S": pk}, **old}
    return {"eventID": pk, "eventName": name, "eventSource": "aws:dynamodb", "dynamodb": ddb}


# (record, indexes of the filters it satisfies)
DECISIONS: list[tuple[str, dict[str, Any], list[int]]] = [
    ("new-adult", _record("INSERT", "U#2", {"status": {"S": "NEW"}, "age": {"N": "5"}}), [0]),
    ("age-zero", _record("INSERT", "U#2", {"status": {"S": "NEW"}, "age": {"N": "0"}}), []),
    ("status-other", _record("INSERT", "U#2", {"status": {"S": "GONE"}, "age": {"N": "5"}}), []),
    (
        "admin-modify",
        _record("MODIFY", "U#1", {"status": {"S": "OLD"}}, {"email": {"S": "admin@example.com"}}),
        [1],
    ),
    ("admin-insert", _record("INSERT", "U#1", {"status": {"S": "OLD"}}, {"email": {"S": "admin@x"}}), []),
    ("remove-never", _record("REMOVE", "U#2", None, {"status": {"S": "NEW"}, "age": {"N": "5"}}), []),
    ("vip-bob", _record("INSERT", "U#3", {"vip": {"BOOL": True}, "name": {"S": "BOB"}}), [2]),
    (
        "vip-bob-deleted",
        _record("INSERT", "U#3", {"vip": {"BOOL": True}, "name": {"S": "Bob"}, "deleted_at": {"N": "1"}}),
        [],
    ),
    ("vip-false", _record("MODIFY", "U#3", {"vip": {"BOOL": False}, "name": {"S": "bob"}}), []),
]


def test_rendered_patterns_are_lint_clean(mapping: dict[str, Any]) -> None:
    assert len(mapping["FilterCriteria"]["Filters"]) == 3
    assert lint_filters(mapping["FilterCriteria"]) == []


@pytest.mark.parametrize(("record", "matched"), [pytest.param(r, m, id=case) for case, r, m in DECISIONS])
def test_rendered_patterns_select_the_intended_records(
    mapping: dict[str, Any], record: dict[str, Any], matched: list[int]
) -> None:
    criteria = FilterCriteria(mapping["FilterCriteria"])
    assert criteria.matching_filters(record) == matched
    assert criteria.matches(record) is bool(matched)


def test_filter_lint_accepts_the_rendered_mapping_file(
    mapping: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    assert main(["filter", "lint", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok (3 filters)\n0 error(s), 0 warning(s)\n"


def test_filter_lint_reads_each_mapping_of_a_terraform_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``terraform show -json`` output: every aws_lambda_event_source_mapping is linted on its own."""

    def esm(address: str, patterns: list[str]) -> dict[str, Any]:
        return {
            "address": address,
            "type": "aws_lambda_event_source_mapping",
            "values": {"filter_criteria": [{"filter": [{"pattern": p} for p in patterns]}]},
        }

    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [esm("aws_lambda_event_source_mapping.a", ['{"eventName":["INSERT"]}'])],
                "child_modules": [
                    {
                        "resources": [
                            esm(
                                "module.m.aws_lambda_event_source_mapping.b",
                                ['{"dynamodb":{"NewImage":{"n":{"N":[{"numeric":[">",1]}]}}}}'],
                            )
                        ]
                    }
                ],
            }
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert main(["filter", "lint", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{path}:aws_lambda_event_source_mapping.a: ok (1 filter)"
    assert lines[1].startswith(f"{path}:module.m.aws_lambda_event_source_mapping.b: error: filter 0 ")
    assert "$.dynamodb.NewImage.n.N[0].numeric: numeric never matches" in lines[1]
    assert main(["filter", "test", "--pattern", str(path), str(path)]) == 2
    assert "holds 2 mappings" in capsys.readouterr().err
