"""Dependencies must come as wheels for the Lambda target, or the build fails clearly.

The "index" here is a local ``--find-links`` directory of hand-made distributions and
``--no-index`` keeps pip off the network, so these tests are offline and deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.package.support import PACKAGER_FILES, REPO_ROOT, Build, run_packager


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def make_wheel(directory: Path, name: str, version: str, tag: str) -> Path:
    """Write a minimal valid wheel for ``name`` with the given ``python-abi-platform`` tag."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f'"""The {name} test module."""\nVALUE = {version!r}\n'.encode(),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: handmade\nRoot-Is-Purelib: false\nTag: {tag}\n"
        ).encode(),
    }
    record = [_record_line(path, data) for path, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def make_sdist(directory: Path, name: str, version: str) -> Path:
    """Write a source-only distribution: pip would have to build it, which Lambda cannot use."""
    sdist = directory / f"{name}-{version}.tar.gz"
    files = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        "setup.py": b"from setuptools import setup\nsetup()\n",
    }
    with tarfile.open(sdist, "w:gz") as archive:
        for path, data in files.items():
            member = tarfile.TarInfo(f"{name}-{version}/{path}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return sdist


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout whose handler is a stub: these tests are about the dependencies only."""
    for relative in PACKAGER_FILES:
        destination = tmp_path / "repo" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes((REPO_ROOT / relative).read_bytes())
    handler = tmp_path / "repo" / "handler"
    handler.mkdir()
    (handler / "__init__.py").write_text('"""Stub handler."""\n', encoding="utf-8")
    (tmp_path / "links").mkdir()
    return tmp_path / "repo"


def _build(project: Path, requirement: str, arch: str, runtime: str, pip_cache: Path) -> Build:
    requirements = project / "requirements-test.txt"
    requirements.write_text(f"{requirement}\n", encoding="utf-8")
    return run_packager(
        project,
        [
            "--arch",
            arch,
            "--runtime",
            runtime,
            "--requirements",
            str(requirements),
            "--no-index",
            "--find-links",
            str(project.parent / "links"),
        ],
        cache_dir=pip_cache,
    )


def test_sdist_only_dependency_fails_naming_package_platform_and_runtime(
    project: Path, pip_cache: Path
) -> None:
    make_sdist(project.parent / "links", "sourceonly", "1.0")

    build = _build(project, "sourceonly==1.0", "arm64", "python3.13", pip_cache)

    assert build.returncode == 2
    message = build.stderr.strip()
    assert message.startswith("package: error: no wheel of sourceonly==1.0 for Lambda python3.13 on arm64")
    assert "CPython 3.13, Amazon Linux 2023, manylinux glibc 2.17-2.34 aarch64" in message
    assert "Traceback" not in build.stderr
    assert not build.zip_path.exists()


@pytest.mark.parametrize(
    ("tag", "arch", "runtime", "installs"),
    [
        # glibc 2.28 wheels run on Amazon Linux 2023 (glibc 2.34): accepted for the right arch...
        ("cp313-cp313-manylinux_2_28_x86_64", "x86_64", "python3.13", True),
        ("cp313-cp313-manylinux_2_28_x86_64", "arm64", "python3.13", False),
        ("cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64", "arm64", "python3.12", True),
        ("cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64", "arm64", "python3.13", False),
        ("cp312-abi3-manylinux_2_34_aarch64", "arm64", "python3.13", True),
        # ...but not a wheel needing a newer glibc than Lambda's, nor one for this build host.
        ("cp313-cp313-manylinux_2_39_aarch64", "arm64", "python3.13", False),
        ("cp313-cp313-macosx_11_0_arm64", "arm64", "python3.13", False),
        # python3.14 runs on Amazon Linux 2023 too; python3.11 on Amazon Linux 2 (glibc 2.26).
        ("cp314-cp314-manylinux_2_34_x86_64", "x86_64", "python3.14", True),
        ("cp311-cp311-manylinux_2_26_x86_64", "x86_64", "python3.11", True),
        ("cp311-cp311-manylinux_2_28_x86_64", "x86_64", "python3.11", False),
    ],
)
def test_wheel_platform_and_python_tags_decide(
    project: Path, pip_cache: Path, *, tag: str, arch: str, runtime: str, installs: bool
) -> None:
    make_wheel(project.parent / "links", "nativemod", "2.0", tag)

    build = _build(project, "nativemod==2.0", arch, runtime, pip_cache)

    if installs:
        assert build.returncode == 0, build.stderr
        names = build.names()
        assert "nativemod/__init__.py" in names
        assert "nativemod-2.0.dist-info/METADATA" in names
        assert "nativemod-2.0.dist-info/RECORD" not in names
    else:
        assert build.returncode == 2
        assert f"no wheel of nativemod==2.0 for Lambda {runtime} on {arch}" in build.stderr
