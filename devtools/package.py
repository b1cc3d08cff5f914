"""Build the Lambda deployment zip, byte-for-byte reproducibly.

Terraform compares ``source_code_hash`` (``filebase64sha256`` of the zip) to decide whether
the function changed, so the zip must depend on the *content* of the sources only: not on
the checkout path, file mtimes, the umask, directory listing order or the host Python's
bytecode. Everything below exists to remove one of those inputs.

The zip holds, at its root:

* the handler package (``--source``, default ``handler/``) and any ``--extra-source``
  modules a team adds (its own record processor, for example);
* the runtime dependencies from ``--requirements``, installed by pip from wheels built for
  the Lambda target (CPython version + manylinux platform of the chosen architecture),
  minus what the Lambda Python runtime already ships (boto3, botocore, s3transfer and the
  libraries only they need), minus the host's bytecode, test suites, console scripts and
  ``*.dist-info`` clutter (METADATA and licence files are kept); with ``--exclude-powertools``
  also minus Powertools and what only it needs (the public Powertools layer brings them);
* bytecode for the target runtime (unchecked-hash ``__pycache__/*.pyc``) when an interpreter of
  that exact CPython minor is at hand (:mod:`devtools.bytecode`): the packager's own, or
  ``--target-python``. Otherwise the zip has none, and the packager says why.

The bytes also depend on the zlib that compresses them, so compare builds made with the same
Python build (the project's virtualenv); the test suite checks reproducibility that way.

Run ``python -m devtools.package --help`` for the options.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from devtools.bytecode import BytecodeError, choose, compile_sources
from devtools.lambda_runtimes import ARCHITECTURES, RUNTIMES, Target, deprecation_warning
from devtools.package_dependencies import (
    RUNTIME_PROVIDED,
    DependencyError,
    distributions_to_drop,
    pip_install,
    powertools_closure,
    remove_distributions,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The handler package next to this one: the checkout's ``handler/``, or the installed package.
HANDLER_PACKAGE = REPO_ROOT / "handler"

DEFAULT_RUNTIME = "python3.13"


# Files of a *.dist-info directory worth shipping: METADATA keeps
# ``importlib.metadata.version()`` working, licence files must travel with the code.
# RECORD, INSTALLER, REQUESTED, WHEEL and direct_url.json only describe the installation.
_LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)

# Zip-wide constants: each one removes a host-dependent input from the archive bytes.
FILE_MODE = 0o100644
DIR_MODE = 0o040755
ZIP_EPOCH_FLOOR = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip can hold
COMPRESS_LEVEL = 9
CREATE_SYSTEM_UNIX = 3  # so that unzip (and Lambda) honour the permission bits
MSDOS_DIRECTORY_FLAG = 0x10


class PackageError(Exception):
    """A build problem the user can fix; printed without a traceback."""


@dataclass(frozen=True)
class BuildResult:
    """What ``make package`` prints: where the zip is, its size and Terraform's hash of it."""

    path: Path
    size: int
    base64_sha256: str
    entries: int
    bytecode: str
    """What the zip holds in bytecode, or why it holds none."""


# --------------------------------------------------------------------------- file selection


def _is_clutter(relative: PurePosixPath) -> bool:
    """Bytecode (compiled by this host's Python, not the runtime's), test suites, dotfiles."""
    if relative.suffix in {".pyc", ".pyo"}:
        return True
    return any(part in {"__pycache__", "tests"} or part.startswith(".") for part in relative.parts)


def is_shipped_dependency(relative: PurePosixPath) -> bool:
    """Whether a file pip installed (path relative to the install root) goes into the zip."""
    if _is_clutter(relative) or relative.parts[0] == "bin":
        return False  # bin/: console scripts, whose shebang names this machine's interpreter
    if relative.parts[0].endswith(".dist-info"):
        return relative.name == "METADATA" or _is_licence(relative.parts[1:])
    return True


def _is_licence(inside_dist_info: tuple[str, ...]) -> bool:
    return inside_dist_info[0] == "licenses" or bool(_LICENSE_NAME.match(inside_dist_info[-1]))


def is_shipped_source(relative: PurePosixPath) -> bool:
    """Whether a file of the handler (or an extra source) goes into the zip.

    The requirements file stays behind: it only tells this packager what to install.
    """
    return not _is_clutter(relative) and not re.fullmatch(r"requirements.*\.(txt|in)", relative.name)


def collect(
    root: Path, prefix: PurePosixPath | None, rule: Callable[[PurePosixPath], bool]
) -> dict[str, Path]:
    """Map zip arcnames to the files under ``root`` (a directory or one file) that ``rule`` ships."""
    if root.is_file():
        name = PurePosixPath(root.name)
        return {str(name): root} if rule(name) else {}
    files: dict[str, Path] = {}
    for path in root.rglob("*"):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and rule(relative):
            files[str(prefix / relative if prefix is not None else relative)] = path
    return files


def merge(into: dict[str, Path], new: Mapping[str, Path], origin: str) -> None:
    """Add ``new`` to ``into``; two sources providing one arcname is a build error."""
    clash = sorted(set(into) & set(new))
    if clash:
        raise PackageError(f"{origin} clashes with files already in the package: {', '.join(clash[:5])}")
    into.update(new)


# --------------------------------------------------------------------------- the zip


def zip_timestamp(environ: Mapping[str, str]) -> tuple[int, int, int, int, int, int]:
    """SOURCE_DATE_EPOCH (reproducible-builds.org convention) or 1980-01-01, in UTC."""
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw and not raw.isdigit():
        raise PackageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {raw!r}")
    epoch = int(raw) if raw else ZIP_EPOCH_FLOOR
    # A zip cannot store times before 1980; zip stores even seconds only.
    stamp = time.gmtime(max(epoch, ZIP_EPOCH_FLOOR))
    return (
        stamp.tm_year,
        stamp.tm_mon,
        stamp.tm_mday,
        stamp.tm_hour,
        stamp.tm_min,
        stamp.tm_sec - stamp.tm_sec % 2,
    )


def directory_entries(arcnames: Iterable[str]) -> set[str]:
    """Every parent directory of the files, as ``dir/`` arcnames.

    Explicit 0755 directory entries mean an unzip never invents directory permissions from
    its own umask (Lambda fails to import from a directory it cannot traverse).
    """
    directories: set[str] = set()
    for arcname in arcnames:
        for parent in PurePosixPath(arcname).parents:
            if str(parent) != ".":
                directories.add(f"{parent}/")
    return directories


def _entry(arcname: str, mode: int, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=date_time)
    info.create_system = CREATE_SYSTEM_UNIX
    info.external_attr = mode << 16
    if arcname.endswith("/"):
        info.external_attr |= MSDOS_DIRECTORY_FLAG
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_zip(files: Mapping[str, Path], output: Path, date_time: tuple[int, int, int, int, int, int]) -> int:
    """Write ``files`` sorted by arcname with fixed metadata; return the entry count.

    The archive is written next to ``output`` and renamed into place, so an interrupted
    build never leaves a truncated zip for Terraform to hash.
    """
    entries = sorted(set(files) | directory_entries(files))
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=output.parent, prefix=f".{output.name}.", delete=False) as handle:
        partial = Path(handle.name)
    try:
        with zipfile.ZipFile(partial, "w", compresslevel=COMPRESS_LEVEL) as archive:
            for arcname in entries:
                if arcname.endswith("/"):
                    archive.writestr(_entry(arcname, DIR_MODE, date_time), b"")
                else:
                    data = files[arcname].read_bytes()
                    archive.writestr(
                        _entry(arcname, FILE_MODE, date_time), data, compresslevel=COMPRESS_LEVEL
                    )
        partial.chmod(0o644)
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return len(entries)


def base64_sha256(path: Path) -> str:
    """What Terraform's ``filebase64sha256()`` returns: base64 of the raw SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode("ascii")


# --------------------------------------------------------------------------- orchestration


def build(
    *,
    source: Path,
    requirements: Path,
    output: Path,
    target: Target,
    cache_dir: Path,
    extra_sources: Sequence[Path] = (),
    find_links: Sequence[Path] = (),
    no_index: bool = False,
    environ: Mapping[str, str] | None = None,
    bytecode: bool = True,
    target_python: str | None = None,
    exclude_powertools: bool = False,
) -> BuildResult:
    """Build the zip and return its path, size, ``filebase64sha256`` and what bytecode it holds."""
    if not (source / "__init__.py").is_file():
        raise PackageError(f"--source {source} is not a Python package (no __init__.py)")
    if not requirements.is_file():
        raise PackageError(f"--requirements {requirements} does not exist")
    try:
        compiler, why_not = choose(target.python_version, target_python, enabled=bytecode)
    except BytecodeError as error:
        raise PackageError(f"--target-python: {error}") from error
    files: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="lambda-package-") as scratch:
        site = Path(scratch) / "site"
        site.mkdir()
        try:
            installs = pip_install(
                requirements, target, site, cache_dir=cache_dir, find_links=find_links, no_index=no_index
            )
            layer = powertools_closure(installs, target) if exclude_powertools else frozenset()
            remove_distributions(site, distributions_to_drop(installs, target, RUNTIME_PROVIDED | layer))
        except DependencyError as error:
            raise PackageError(str(error)) from error
        merge(files, collect(site, None, is_shipped_dependency), "dependencies")
        merge(files, collect(source, PurePosixPath(source.name), is_shipped_source), f"--source {source}")
        for extra in extra_sources:
            extra_files = collect(extra, PurePosixPath(extra.name), is_shipped_source)
            merge(files, extra_files, f"--extra-source {extra}")
        summary = why_not
        if compiler is not None:
            try:
                compiled = compile_sources(compiler, files, Path(scratch) / "bytecode")
            except BytecodeError as error:
                raise PackageError(str(error)) from error
            merge(files, compiled.files, "bytecode")
            summary = (
                f"{len(compiled.files)} modules as unchecked-hash .pyc ({compiler.cache_tag}, "
                f"compiled by {compiler.executable}, CPython {compiler.version})"
            )
            if compiled.failures:
                summary += (
                    f"; {len(compiled.failures)} did not compile and ship as source only: "
                    + ", ".join(
                        f"{name} ({reason})" for name, reason in sorted(compiled.failures.items())[:5]
                    )
                )
        entries = write_zip(files, output, zip_timestamp(os.environ if environ is None else environ))
    return BuildResult(output, output.stat().st_size, base64_sha256(output), entries, summary)


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ddb-stream-package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="ddb-stream-handler", help="function name (default zip name)")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="arm64")
    parser.add_argument(
        "--runtime",
        choices=sorted(RUNTIMES),
        default=DEFAULT_RUNTIME,
        help="Lambda runtime (python3.11: deprecated, accepted to build the bytecode path on CPython 3.11)",
    )
    parser.add_argument(
        "--output", type=Path, help="zip path (default build/NAME.zip, from the current directory)"
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=HANDLER_PACKAGE,
        help="handler package dir (default: this installation's handler)",
    )
    parser.add_argument(
        "--requirements", type=Path, help="runtime requirements (default SOURCE/requirements.txt)"
    )
    parser.add_argument(
        "--extra-source",
        type=Path,
        action="append",
        default=[],
        help="another module or package to ship at the zip root (repeatable), e.g. your own processor",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("LAMBDA_PACKAGE_PIP_CACHE", Path("build") / "pip-cache")),
        help="pip download cache, shared between builds (env LAMBDA_PACKAGE_PIP_CACHE)",
    )
    parser.add_argument("--find-links", type=Path, action="append", default=[], help="extra wheel directory")
    parser.add_argument(
        "--no-index", action="store_true", help="only use --find-links, not the package index"
    )
    parser.add_argument(
        "--target-python",
        default=os.environ.get("TARGET_PYTHON") or None,
        help="CPython of the runtime's minor that compiles the bytecode (env TARGET_PYTHON; "
        "default: this interpreter, if it is that minor)",
    )
    parser.add_argument("--no-bytecode", action="store_true", help="ship no bytecode")
    parser.add_argument(
        "--exclude-powertools",
        action="store_true",
        help="leave Powertools and what only it needs out of the zip (attach the public Powertools layer)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    output: Path = args.output or Path("build") / f"{args.name}.zip"
    source: Path = args.source.resolve()
    try:
        result = build(
            source=source,
            requirements=(args.requirements or source / "requirements.txt").resolve(),
            output=output,
            target=Target(args.runtime, args.arch),
            cache_dir=args.cache_dir.resolve(),
            extra_sources=[path.resolve() for path in args.extra_source],
            find_links=[path.resolve() for path in args.find_links],
            no_index=args.no_index,
            bytecode=not args.no_bytecode,
            target_python=args.target_python,
            exclude_powertools=args.exclude_powertools,
        )
    except PackageError as error:
        print(f"package: error: {error}", file=sys.stderr)
        return 2
    warning = deprecation_warning(args.runtime, datetime.now(UTC).date())
    if warning:
        print(f"package: warning: {warning}", file=sys.stderr)
    print(f"{result.path}  {args.runtime} {args.arch}  {result.entries} entries")
    print(f"  size:             {result.size} bytes ({result.size / 1_048_576:.2f} MiB)")
    print(f"  filebase64sha256: {result.base64_sha256}")
    print(f"  bytecode:         {result.bytecode}")
    if args.exclude_powertools:
        print("  powertools:       left out; attach the public Powertools layer for the same version")
    return 0


if __name__ == "__main__":
    sys.exit(main())
