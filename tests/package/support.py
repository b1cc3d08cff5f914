"""Run the real packager as ``make package`` does, for the packaging tests.

Every build runs ``python -m devtools.package`` in a subprocess, so the umask, working
directory and environment of each build are the test's to choose. One pip cache is shared
by the whole session, so only the first build pays for wheel downloads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HANDLER_DIR = REPO_ROOT / "handler"
PACKAGER_FILES = (
    "devtools/__init__.py",
    "devtools/package.py",
    "devtools/package_dependencies.py",
    "devtools/lambda_runtimes.py",
    "devtools/bytecode.py",
)


@dataclass(frozen=True)
class Build:
    """The outcome of one packager run."""

    returncode: int
    stdout: str
    stderr: str
    zip_path: Path

    def read(self) -> bytes:
        assert self.returncode == 0, self.stderr
        return self.zip_path.read_bytes()

    def names(self) -> list[str]:
        assert self.returncode == 0, self.stderr
        with zipfile.ZipFile(self.zip_path) as archive:
            return archive.namelist()


def run_packager(
    checkout: Path,
    args: Sequence[str],
    *,
    cache_dir: Path,
    output: Path | None = None,
    umask: int = 0o022,
    source_date_epoch: str | None = None,
) -> Build:
    """Run the packager of ``checkout`` from inside it, as ``make package`` would."""
    zip_path = output or checkout / "build" / "ddb-stream-handler.zip"
    environ = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    if source_date_epoch is not None:
        environ["SOURCE_DATE_EPOCH"] = source_date_epoch
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.package",
            "--output",
            str(zip_path),
            "--cache-dir",
            str(cache_dir),
            *args,
        ],
        cwd=checkout,
        env=environ,
        umask=umask,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return Build(completed.returncode, completed.stdout, completed.stderr, zip_path)


def make_checkout(root: Path, handler_source: Path = HANDLER_DIR) -> Path:
    """Copy the packager and the handler package into a fresh directory: a second checkout."""
    root.mkdir(parents=True)
    for relative in PACKAGER_FILES:
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / relative, destination)
    shutil.copytree(handler_source, root / "handler", ignore=shutil.ignore_patterns("__pycache__"))
    return root
