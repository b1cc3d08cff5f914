"""Session fixtures of the packaging tests: one pip cache, one build of the real handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.package.support import HANDLER_DIR, Build, make_checkout, run_packager


@pytest.fixture(scope="session")
def pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture(scope="session")
def handler_zip(tmp_path_factory: pytest.TempPathFactory, pip_cache: Path) -> Build:
    """The repository's handler packaged once (arm64, python3.13, the Makefile defaults)."""
    if not (HANDLER_DIR / "__init__.py").is_file():
        pytest.fail("handler/ is not a package yet: the packaging tests need handler/__init__.py")
    checkout = make_checkout(tmp_path_factory.mktemp("checkout") / "repo")
    build = run_packager(checkout, ["--arch", "arm64", "--runtime", "python3.13"], cache_dir=pip_cache)
    assert build.returncode == 0, build.stderr
    return build
