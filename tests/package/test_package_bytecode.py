"""Bytecode in the zip: unchecked-hash pycs from the target's exact CPython minor, or none and why.

This machine's only CPython is 3.11, so ``--runtime python3.11`` is the build that carries
bytecode here; for python3.13 (the default) the packager must say why it ships none.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import boto3
import pytest

from tests.package.support import Build, make_checkout, run_packager

BYTECODE_ARGS = ("--arch", "arm64", "--runtime", "python3.11")
HOST_TAG = sys.implementation.cache_tag  # cpython-311
LAMBDA_RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")


@pytest.fixture(scope="module")
def bytecode_zip(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Build:
    checkout = make_checkout(tmp_path_factory.mktemp("bytecode") / "repo")
    build = run_packager(checkout, BYTECODE_ARGS, cache_dir=pip_cache)
    assert build.returncode == 0, build.stderr
    return build


def _sources_and_pycs(names: list[str]) -> tuple[set[str], set[str]]:
    sources = {name for name in names if name.endswith(".py")}
    pycs = {name for name in names if name.endswith(".pyc")}
    return sources, pycs


def test_every_module_ships_its_pyc_next_to_it(bytecode_zip: Build) -> None:
    sources, pycs = _sources_and_pycs(bytecode_zip.names())

    expected = {importlib.util.cache_from_source(name) for name in sources}
    assert pycs == expected
    assert "handler/__pycache__/entrypoint.cpython-311.pyc" in pycs
    assert "aws_lambda_powertools/__pycache__/__init__.cpython-311.pyc" in pycs
    assert "bytecode:         " in bytecode_zip.stdout
    assert f"{len(pycs)} modules as unchecked-hash .pyc (cpython-311, compiled by" in bytecode_zip.stdout


def test_pycs_are_unchecked_hash_pycs_of_the_shipped_source(bytecode_zip: Build) -> None:
    with zipfile.ZipFile(bytecode_zip.zip_path) as archive:
        names = archive.namelist()
        for pyc in (name for name in names if name.endswith(".pyc")):
            data = archive.read(pyc)
            path = PurePosixPath(pyc)
            source = str(path.parent.parent / (path.name.split(".")[0] + ".py"))
            assert data[:4] == importlib.util.MAGIC_NUMBER, pyc
            # PEP 552 flags: bit 0 = hash-based, bit 1 = check_source; 0b01 = unchecked hash.
            assert int.from_bytes(data[4:8], "little") == 0b01, pyc
            assert data[8:16] == importlib.util.source_hash(archive.read(source)), pyc


def test_the_runtime_loads_the_pycs_without_reading_the_sources(bytecode_zip: Build, tmp_path: Path) -> None:
    task = tmp_path / "var-task"
    with zipfile.ZipFile(bytecode_zip.zip_path) as archive:
        archive.extractall(task)
    # Sources that would fail if they were compiled: only the pycs can make the import work.
    for name in ("entrypoint.py", "app.py", "batch.py", "config.py"):
        source = task / "handler" / name
        source.write_text('raise SystemExit("the source was compiled")\n', encoding="utf-8")
    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    site = Path(boto3.__file__).resolve().parents[1]
    for module in LAMBDA_RUNTIME_MODULES:
        (runtime / module).symlink_to(site / module)
    # Read-only like /var/task, and -B: nothing may be written.
    for path in [task, *task.rglob("*")]:
        if path.is_dir():
            path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    child = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "import handler.entrypoint, handler.app\n"
        "print(handler.app.__file__)\n"
    )
    try:
        completed = subprocess.run(
            [sys.executable, "-I", "-S", "-B", "-c", child, str(task), str(runtime)],
            env={"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        for path in [task, *task.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(task / "handler" / "app.py")


def test_bytecode_builds_are_byte_identical_across_checkouts(
    tmp_path: Path, pip_cache: Path, bytecode_zip: Build
) -> None:
    other = make_checkout(tmp_path / "another" / "checkout path")
    for index, path in enumerate(sorted(other.rglob("*"))):
        os.utime(path, (1_200_000_000 + index, 1_200_000_000 + index))

    rebuilt = run_packager(other, BYTECODE_ARGS, cache_dir=pip_cache, umask=0o077)

    assert rebuilt.read() == bytecode_zip.read()


def test_a_source_change_changes_its_pyc(tmp_path: Path, pip_cache: Path, bytecode_zip: Build) -> None:
    checkout = make_checkout(tmp_path / "changed")
    module = checkout / "handler" / "config.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nCHANGED = True\n", encoding="utf-8")

    changed = run_packager(checkout, BYTECODE_ARGS, cache_dir=pip_cache)

    with zipfile.ZipFile(changed.zip_path) as new, zipfile.ZipFile(bytecode_zip.zip_path) as old:
        pyc = f"handler/__pycache__/config.{HOST_TAG}.pyc"
        assert new.read(pyc) != old.read(pyc)
        assert new.read(f"handler/__pycache__/app.{HOST_TAG}.pyc") == old.read(
            f"handler/__pycache__/app.{HOST_TAG}.pyc"
        )


def test_another_runtime_gets_no_bytecode_and_says_why(handler_zip: Build) -> None:
    # handler_zip is python3.13: this machine cannot compile for it.
    assert not [name for name in handler_zip.names() if name.endswith(".pyc") or "__pycache__" in name]
    (line,) = [line for line in handler_zip.stdout.splitlines() if line.strip().startswith("bytecode:")]
    assert line.split(":", 1)[1].strip() == (
        f"none: the packager runs CPython {sys.version.split()[0]}, and only CPython 3.13 compiles "
        "bytecode the runtime loads; pass TARGET_PYTHON=/path/to/python3.13 (make package) or "
        "--target-python to ship it. Without it, each cold start compiles every module it imports."
    )


def test_target_python_compiles_for_its_own_minor(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "target-python")

    build = run_packager(checkout, [*BYTECODE_ARGS, "--target-python", sys.executable], cache_dir=pip_cache)

    assert build.returncode == 0, build.stderr
    assert f"compiled by {sys.executable}, CPython {sys.version.split()[0]})" in build.stdout
    assert f"handler/__pycache__/app.{HOST_TAG}.pyc" in build.names()


def test_target_python_of_another_minor_is_an_error(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "wrong-minor")

    build = run_packager(
        checkout, ["--runtime", "python3.13", "--target-python", sys.executable], cache_dir=pip_cache
    )

    assert build.returncode == 2
    assert build.stderr.strip() == (
        f"package: error: --target-python: {sys.executable} is CPython {sys.version.split()[0]}, but the "
        "target runtime runs CPython 3.13: bytecode from it would not load there"
    )
    assert not build.zip_path.exists()


def test_target_python_that_does_not_run_is_an_error(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "missing")
    missing = tmp_path / "no" / "python3.11"

    build = run_packager(checkout, [*BYTECODE_ARGS, "--target-python", str(missing)], cache_dir=pip_cache)

    assert build.returncode == 2
    assert build.stderr.startswith(f"package: error: --target-python: cannot run {missing}: ")


def test_target_python_from_the_environment(tmp_path: Path, pip_cache: Path) -> None:
    # make package TARGET_PYTHON=... passes it as --target-python; the variable alone works too.
    checkout = make_checkout(tmp_path / "env")
    if shutil.which("python3.11") is None:
        pytest.skip("no python3.11 on PATH")
    environ_python = str(shutil.which("python3.11"))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.package",
            "--runtime",
            "python3.13",
            "--output",
            str(tmp_path / "x.zip"),
        ],
        cwd=checkout,
        env={**os.environ, "TARGET_PYTHON": environ_python, "LAMBDA_PACKAGE_PIP_CACHE": str(pip_cache)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 2
    assert f"--target-python: {environ_python} is CPython 3.11." in completed.stderr


def test_no_bytecode_option(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "no-bytecode")

    build = run_packager(checkout, [*BYTECODE_ARGS, "--no-bytecode"], cache_dir=pip_cache)

    assert build.returncode == 0, build.stderr
    assert not [name for name in build.names() if name.endswith(".pyc")]
    assert "bytecode:         none (--no-bytecode)" in build.stdout


def test_size_budgets(bytecode_zip: Build, handler_zip: Build) -> None:
    assert bytecode_zip.zip_path.stat().st_size <= 3 * 1024 * 1024
    assert handler_zip.zip_path.stat().st_size <= 2 * 1024 * 1024
