"""The root's generated copies of its submodules' variables: fresh, regenerated verbatim, and checked."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devtools import tf_variables
from devtools.terraform import binary

ROOT = tf_variables.ROOT
ESM_FILE = "variables_esm_settings.tf"
HANDLER_FILE = "variables_handler_settings.tf"
TABLE_FILE = "variables_stream_table.tf"
FUNCTION_FILE = "variables_lambda_function.tf"
GENERATED = (ESM_FILE, HANDLER_FILE, TABLE_FILE, FUNCTION_FILE)

NEW_VARIABLE = """
variable "cold_start_budget_ms" {
  description = "A setting added to handler-settings."
  type        = number
  default     = 500
  nullable    = false
}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The root's .tf files and the submodules it copies variables from."""
    for path in ROOT.glob("*.tf"):
        shutil.copy(path, tmp_path / path.name)
    for module in ("esm-settings", "handler-settings", "stream-table", "lambda-function"):
        shutil.copytree(ROOT / "modules" / module, tmp_path / "modules" / module)
    return tmp_path


def _names(path: Path) -> list[str]:
    return [block.name for block in tf_variables.variable_blocks(path)]


def test_committed_files_are_fresh() -> None:
    assert tf_variables.check() == []
    assert tf_variables.main(["check"]) == 0


def test_write_regenerates_the_committed_files_byte_for_byte(repo: Path) -> None:
    for name in GENERATED:
        (repo / name).unlink()
    assert tf_variables.check(repo) == [
        f"{repo / name}: missing; run python -m devtools.tf_variables write" for name in GENERATED
    ]

    assert tf_variables.write(repo) == [repo / name for name in GENERATED]
    for name in GENERATED:
        assert (repo / name).read_bytes() == (ROOT / name).read_bytes()
    # A second write has nothing to do.
    assert tf_variables.write(repo) == []
    assert tf_variables.check(repo) == []


def test_generated_files_copy_every_variable_but_the_listed_ones() -> None:
    assert _names(ROOT / ESM_FILE) == [
        "event_names",
        "filters",
        "raw_filter_patterns",
        "filters_per_mapping_quota",
        "batch_size",
        "maximum_batching_window_in_seconds",
        "starting_position",
        "parallelization_factor",
        "bisect_batch_on_function_error",
        "maximum_retry_attempts",
        "maximum_record_age_in_seconds",
        "tumbling_window_in_seconds",
        "report_batch_item_failures",
        "mapping_metrics",
    ]
    assert _names(ROOT / HANDLER_FILE) == [
        "allowed_event_names",
        "processor",
        "idempotency_ttl_seconds",
        "log_level",
        "service_name",
        "metrics_namespace",
        "log_images",
        "invalid_record_action",
        "failure_mode",
        "concurrency",
        "timeout",
        "memory_size",
        "environment_variables",
    ]
    # The skipped ones keep their hand-written root declaration.
    hand_written = _names(ROOT / "variables.tf")
    for name in ("stream_view_type", "notification_topic_arn", "idempotency_table_name"):
        assert name in hand_written
    assert "event_names" not in hand_written
    generated = (ROOT / HANDLER_FILE).read_text(encoding="utf-8")
    assert generated.startswith(
        "# Generated from modules/handler-settings/variables.tf by `python -m devtools.tf_variables write`.\n"
        "# Do not edit: change the variable there and rerun the command."
    )


def test_blocks_are_copied_verbatim() -> None:
    source = (ROOT / "modules" / "esm-settings" / "variables.tf").read_text(encoding="utf-8")
    batch_size = next(b for b in tf_variables.variable_blocks(ROOT / ESM_FILE) if b.name == "batch_size")
    assert batch_size.text == (
        'variable "batch_size" {\n'
        '  description = "Maximum number of stream records per invocation (1-10000 for DynamoDB streams)."\n'
        "  type        = number\n"
        "  default     = 100\n"
        "  nullable    = false\n"
        "\n"
        "  validation {\n"
        "    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && "
        "floor(var.batch_size) == var.batch_size\n"
        '    error_message = "batch_size must be a whole number from 1 to 10000 '
        '(the DynamoDB streams limit)."\n'
        "  }\n"
        "}"
    )
    assert batch_size.text in source


def test_hand_edit_is_reported_naming_the_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generated = repo / ESM_FILE
    generated.write_text(
        generated.read_text(encoding="utf-8").replace("default     = 100\n", "default     = 200\n"),
        encoding="utf-8",
    )
    assert tf_variables.check(repo) == [f"{generated}: stale; run python -m devtools.tf_variables write"]
    assert tf_variables.main(["check", "--root", str(repo)]) == 1
    assert capsys.readouterr().err == f"{generated}: stale; run python -m devtools.tf_variables write\n"

    assert tf_variables.main(["write", "--root", str(repo)]) == 0
    assert capsys.readouterr().out == f"updated {ESM_FILE}\n"
    assert generated.read_bytes() == (ROOT / ESM_FILE).read_bytes()


def test_new_settings_variable_appears_after_write(repo: Path) -> None:
    variables = repo / "modules" / "handler-settings" / "variables.tf"
    variables.write_text(variables.read_text(encoding="utf-8") + NEW_VARIABLE, encoding="utf-8")
    generated = repo / HANDLER_FILE
    assert tf_variables.check(repo) == [
        f"{generated}: stale; run python -m devtools.tf_variables write",
        f"{repo / 'main.tf'}: module.handler_settings does not set cold_start_budget_ms",
    ]

    assert tf_variables.write(repo) == [generated]
    assert _names(generated)[-1] == "cold_start_budget_ms"
    assert generated.read_text(encoding="utf-8").endswith("}\n\n" + NEW_VARIABLE.lstrip("\n"))
    # The copy exists; passing it on in main.tf is still the author's job, and check says so.
    assert tf_variables.check(repo) == [
        f"{repo / 'main.tf'}: module.handler_settings does not set cold_start_budget_ms"
    ]
    main_tf = repo / "main.tf"
    main_tf.write_text(
        main_tf.read_text(encoding="utf-8").replace(
            "  environment_variables   = var.environment_variables\n",
            "  environment_variables   = var.environment_variables\n"
            "  cold_start_budget_ms    = var.cold_start_budget_ms\n",
            1,
        ),
        encoding="utf-8",
    )
    assert tf_variables.check(repo) == []


def test_generated_files_are_terraform_fmt_clean(repo: Path) -> None:
    variables = repo / "modules" / "handler-settings" / "variables.tf"
    variables.write_text(variables.read_text(encoding="utf-8") + NEW_VARIABLE, encoding="utf-8")
    tf_variables.write(repo)
    completed = subprocess.run(
        [binary(), "fmt", "-check", "-diff", "-no-color", *GENERATED],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_variable_in_both_modules_is_an_error(repo: Path) -> None:
    for module in ("esm-settings", "handler-settings"):
        variables = repo / "modules" / module / "variables.tf"
        variables.write_text(variables.read_text(encoding="utf-8") + NEW_VARIABLE, encoding="utf-8")
    assert tf_variables.check(repo) == [
        "variable cold_start_budget_ms would be generated from both modules/esm-settings and "
        "modules/handler-settings; skip it in one of them (devtools/tf_variables.py SOURCES)"
    ]


def test_a_skipped_variable_that_is_gone_is_an_error(repo: Path) -> None:
    variables = repo / "modules" / "esm-settings" / "variables.tf"
    block = next(b for b in tf_variables.variable_blocks(variables) if b.name == "stream_view_type")
    variables.write_text(variables.read_text(encoding="utf-8").replace(block.text, ""), encoding="utf-8")
    assert tf_variables.check(repo) == [
        f"{variables}: declares no stream_view_type, listed as skipped in devtools/tf_variables.py"
    ]
    assert tf_variables.main(["write", "--root", str(repo)]) == 1


def test_of_the_other_submodules_only_the_listed_variables_are_copied() -> None:
    assert _names(ROOT / TABLE_FILE) == [
        "hash_key",
        "hash_key_type",
        "range_key",
        "range_key_type",
        "billing_mode",
        "read_capacity",
        "write_capacity",
        "point_in_time_recovery_enabled",
        "ttl_attribute_name",
        "deletion_protection_enabled",
        "table_class",
    ]
    function = _names(ROOT / FUNCTION_FILE)
    assert function[:3] == ["runtime", "architecture", "reserved_concurrent_executions"]
    assert len(function) == 22
    # What the root means differently stays its own: the table's and function's names, the
    # role (root: create_role + role_arn), the zip (root: lambda_filename), tags.
    for name in ("create", "name", "function_name", "role_arn", "filename", "tags", "stream_view_type"):
        assert name not in function + _names(ROOT / TABLE_FILE)
    hand_written = _names(ROOT / "variables.tf") + _names(ROOT / "variables_function.tf")
    assert not set(hand_written) & set(function + _names(ROOT / TABLE_FILE))
    generated = (ROOT / TABLE_FILE).read_text(encoding="utf-8")
    assert "# The root passes these to module.stream_table unchanged;" in generated


def test_an_included_variable_that_is_gone_is_an_error(repo: Path) -> None:
    variables = repo / "modules" / "stream-table" / "variables.tf"
    block = next(b for b in tf_variables.variable_blocks(variables) if b.name == "table_class")
    variables.write_text(variables.read_text(encoding="utf-8").replace(block.text, ""), encoding="utf-8")
    assert tf_variables.check(repo) == [
        f"{variables}: declares no table_class, listed as copied in devtools/tf_variables.py"
    ]


def test_an_included_variable_the_call_does_not_set_is_reported(repo: Path) -> None:
    main_tf = repo / "main.tf"
    text = main_tf.read_text(encoding="utf-8")
    argument = "  table_class                    = var.table_class\n"
    assert argument in text
    main_tf.write_text(text.replace(argument, ""), encoding="utf-8")
    assert tf_variables.check(repo) == [f"{main_tf}: module.stream_table does not set table_class"]
