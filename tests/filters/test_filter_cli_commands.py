"""``filter lint`` / ``filter test`` through the command-line entry point: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parents[2]
GOOD = '{"eventName": ["INSERT"]}'
UNTYPED = '{"dynamodb": {"NewImage": {"status": ["NEW"]}}}'


def _record(event_id: str, name: str, user: str, status: str) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "ApproximateCreationDateTime": 1764086173.0,
            "Keys": {"id": {"S": user}},
            "NewImage": {"id": {"S": user}, "status": {"S": status}},
            "SequenceNumber": f"10{event_id}",
            "SizeBytes": 30,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    path = tmp_path / "event.json"
    records = [
        _record("e1", "INSERT", "u1", "NEW"),
        _record("e2", "MODIFY", "u2", "OLD"),
        _record("e3", "REMOVE", "u3", "NEW"),
    ]
    path.write_text(json.dumps({"Records": records}))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["filter", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- lint --------------------------------------------------------------------------------------------


def test_lint_clean_pattern_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", GOOD)
    assert code == 0
    assert out.splitlines() == ["<inline>: ok (1 filter)", "0 error(s), 0 warning(s)"]


def test_lint_never_matching_pattern_exits_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", GOOD, UNTYPED)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "<inline>: ok (1 filter)"
    assert lines[1].startswith(
        "<inline>: error: filter 0 $.dynamodb.NewImage.status: attribute values are typed"
    )
    assert lines[-1] == "1 error(s), 0 warning(s)"


def test_lint_invalid_inline_pattern_is_a_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", '[{"eventName": ["INSERT"]=123}]')
    assert code == 1
    assert "error: filter 0 $: not valid JSON" in out


def test_lint_reads_files_in_every_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes: dict[str, Any] = {
        "pattern.json": json.loads(UNTYPED),
        "string.json": UNTYPED,  # a Terraform output: the pattern as a JSON string
        "list.json": [GOOD, json.loads(UNTYPED)],
        "criteria.json": {"Filters": [{"Pattern": GOOD}, {"Pattern": UNTYPED}]},
        "settings.json": {"BatchSize": 100, "FilterCriteria": {"Filters": [{"Pattern": UNTYPED}]}},
    }
    for name, document in shapes.items():
        (tmp_path / name).write_text(json.dumps(document))
    code, out, _ = run(capsys, "lint", "--json", *(str(tmp_path / name) for name in shapes))
    assert code == 1
    report = json.loads(out)
    assert [Path(entry["source"]).name for entry in report] == list(shapes)
    assert [entry["filters"] for entry in report] == [1, 1, 2, 2, 1]
    for entry in report:
        assert [(f["severity"], f["path"]) for f in entry["findings"]] == [
            ("error", "$.dynamodb.NewImage.status")
        ]
    assert [entry["findings"][0]["filter"] for entry in report] == [0, 0, 1, 1, 0]


def test_lint_too_many_filters_and_quota_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "six.json"
    path.write_text(json.dumps([GOOD] * 6))
    code, out, _ = run(capsys, "lint", str(path))
    assert code == 1
    assert "6 filters; an event source mapping takes at most 5" in out
    code, _, _ = run(capsys, "lint", "--max-filters", "10", str(path))
    assert code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file (an inline pattern is JSON starting with '{', e.g. '" + GOOD + "')"),
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        ("42", "expected a pattern object, a list of patterns or a FilterCriteria, not int"),
    ],
)
def test_lint_bad_input_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "pattern.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, "lint", str(path))
    assert code == 2
    assert out == ""
    assert err == f"error: {path}: {message}\n"


def test_lint_unreadable_file_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lint", str(tmp_path))  # a directory
    assert code == 2
    assert err.startswith(f"error: {tmp_path}: cannot read:")


# --- test --------------------------------------------------------------------------------------------


def test_test_shows_pass_and_filtered(event_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "test",
        "--pattern",
        GOOD,
        "--pattern",
        '{"dynamodb": {"NewImage": {"status": {"S": ["OLD"]}}}}',
        str(event_file),
    )
    assert code == 0
    assert out.splitlines() == [
        f"PASS      INSERT  e1  keys id=u1  [{event_file}]  filter 0",
        f"PASS      MODIFY  e2  keys id=u2  [{event_file}]  filter 1",
        f"FILTERED  REMOVE  e3  keys id=u3  [{event_file}]",
        "3 record(s): 2 pass, 1 filtered out (2 filter(s))",
    ]


def test_test_json_output_and_record_file_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(_record("a", "INSERT", "u1", "NEW")))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([_record("b", "MODIFY", "u2", "NEW")]))
    criteria = tmp_path / "criteria.json"
    criteria.write_text(
        json.dumps({"Filters": [{"Pattern": '{"dynamodb": {"NewImage": {"status": {"S": ["NEW"]}}}}'}]})
    )
    code, out, _ = run(capsys, "test", "--json", "--pattern", str(criteria), str(single), str(listed))
    assert code == 0
    assert [(r["eventID"], r["result"], r["matchedFilters"]) for r in json.loads(out)] == [
        ("a", "PASS", [0]),
        ("b", "PASS", [0]),
    ]


def test_test_without_patterns_passes_everything(
    event_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "test", str(event_file))
    assert code == 0
    assert out.count("(no filters)") == 3
    assert out.splitlines()[-1] == "3 record(s): 3 pass, 0 filtered out (0 filter(s))"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            '{"eventName": "INSERT"}',
            "error: <inline>: Invalid filter pattern (filter 0, at $.eventName): match values",
        ),
        ("single-string", "error: single-string: no such file (an inline pattern is JSON starting with '{'"),
    ],
)
def test_test_malformed_pattern_exits_two(
    event_file: Path, capsys: pytest.CaptureFixture[str], pattern: str, message: str
) -> None:
    code, out, err = run(capsys, "test", "--pattern", pattern, str(event_file))
    assert code == 2
    assert out == ""
    assert err.startswith(message)


def test_test_bad_record_files_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"Records": [')
    code, _, err = run(capsys, "test", "--pattern", GOOD, str(broken))
    assert code == 2
    assert err.startswith(f"error: {broken}: not valid JSON: Expecting value at line 1")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"Records": [1]}')
    code, _, err = run(capsys, "test", "--pattern", GOOD, str(wrong))
    assert (code, err) == (2, f"error: {wrong}: record 0 is int, not a JSON object\n")
    code, _, err = run(capsys, "test", "--pattern", GOOD)
    assert (code, err) == (2, "error: give RECORD_FILE arguments or --stream-arn\n")


# --- live stream (moto server) ----------------------------------------------------------------------


def test_test_reads_a_live_stream(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    table = ddb.create_table(
        TableName="profiles",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    ddb.put_item(
        TableName="profiles", Item={"id": {"S": "u1"}, "status": {"S": "NEW"}, "blob": {"B": b"\x01"}}
    )
    ddb.put_item(TableName="profiles", Item={"id": {"S": "u1"}, "status": {"S": "ACTIVE"}})
    ddb.delete_item(TableName="profiles", Key={"id": {"S": "u1"}})
    arn = table["LatestStreamArn"]
    code, out, _ = run(
        capsys,
        "test",
        "--json",
        "--pattern",
        '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"blob": {"B": ["AQ=="]}}}}',
        "--pattern",
        '{"dynamodb": {"OldImage": {"status": {"S": [{"prefix": "ACT"}]}}}}',
        "--stream-arn",
        arn,
        "--endpoint-url",
        endpoint,
    )
    assert code == 0
    results = json.loads(out)
    assert [(r["eventName"], r["keys"], r["result"], r["matchedFilters"]) for r in results] == [
        ("INSERT", "id=u1", "PASS", [0]),
        ("MODIFY", "id=u1", "FILTERED", []),
        ("REMOVE", "id=u1", "PASS", [1]),
    ]
    assert {r["source"] for r in results} == {arn}


def test_test_unknown_stream_exits_two(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/nope/stream/2025-01-01T00:00:00.000"
    code, out, err = run(capsys, "test", "--stream-arn", arn, "--endpoint-url", endpoint)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {arn}: ResourceNotFoundException")


def test_test_unreachable_endpoint_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2025-01-01T00:00:00.000"
    code, _, err = run(capsys, "test", "--stream-arn", arn, "--endpoint-url", "http://127.0.0.1:9")
    assert code == 2
    assert err.startswith(f"error: cannot read stream {arn} from http://127.0.0.1:9: Could not connect")


# --- wiring into python -m pipeline ------------------------------------------------------------------


def test_python_dash_m_pipeline_runs_filter_lint() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "filter", "lint", UNTYPED],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "$.dynamodb.NewImage.status" in result.stdout
