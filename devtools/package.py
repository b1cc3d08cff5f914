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
  libraries only they need), minus bytecode, test suites, console scripts and
  ``*.dist-info`` clutter (METADATA and licence files are kept).

The bytes also depend on the zlib that compresses them, so compare builds made with the same
Python build (the project's virtualenv); the test suite checks reproducibility that way.

Run ``python -m devtools.package --help`` for the options.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The handler package next to this one: the checkout's ``handler/``, or the installed package.
HANDLER_PACKAGE = REPO_ROOT / "handler"

RUNTIMES = {"python3.12": "3.12", "python3.13": "3.13"}
ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}

# The python3.12/3.13 runtimes run on Amazon Linux 2023 (glibc 2.34): every manylinux
# policy from manylinux2014 (glibc 2.17) up to 2.34 runs there. pip does not expand
# ``manylinux_2_X`` tags downwards by itself, so the whole range is listed.
GLIBC_MINORS = range(34, 16, -1)

# Distributions the Lambda Python runtime provides. Anything that only these need
# (jmespath, urllib3, python-dateutil, six) is dropped with them; a dependency that one of
# our own distributions also needs (Powertools needs jmespath) stays, pinned as tested.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})

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

_NO_MATCH = re.compile(r"No matching distribution found for (?P<req>\S+)")
_VERSIONS = re.compile(r"satisfies the requirement (?P<req>\S+) \(from versions: (?P<versions>[^)]*)\)")


class PackageError(Exception):
    """A build problem the user can fix; printed without a traceback."""


@dataclass(frozen=True)
class Target:
    """The Lambda runtime and architecture the dependencies are installed for."""

    runtime: str
    arch: str

    @property
    def python_version(self) -> str:
        return RUNTIMES[self.runtime]

    @property
    def machine(self) -> str:
        return ARCHITECTURES[self.arch]

    def platforms(self) -> list[str]:
        """pip ``--platform`` values for this architecture, newest glibc first."""
        tags = [f"manylinux_2_{minor}_{self.machine}" for minor in GLIBC_MINORS]
        return [*tags, f"manylinux2014_{self.machine}"]

    def describe(self) -> str:
        return (
            f"Lambda {self.runtime} on {self.arch} "
            f"(CPython {self.python_version}, manylinux glibc 2.17-2.34 {self.machine})"
        )


@dataclass(frozen=True)
class BuildResult:
    """What ``make package`` prints: where the zip is, its size and Terraform's hash of it."""

    path: Path
    size: int
    base64_sha256: str
    entries: int


# --------------------------------------------------------------------------- dependencies


def normalise_name(name: str) -> str:
    """PEP 503 name normalisation, so ``Python_DateUtil`` and ``python-dateutil`` match."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_install(
    requirements: Path,
    target: Target,
    dest: Path,
    *,
    cache_dir: Path,
    find_links: Sequence[Path],
    no_index: bool,
) -> list[Mapping[str, object]]:
    """Install the requirements' wheels for ``target`` into ``dest``; return pip's report.

    ``--only-binary=:all:`` is what makes the install valid for another platform: pip never
    builds an sdist (which would compile for *this* machine). ``--no-compile`` keeps host
    bytecode out. The JSON report tells which distributions were requested and what each
    one requires, without re-parsing the requirements file.
    """
    report = dest.parent / "pip-report.json"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",
        "--no-warn-script-location",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        target.python_version,
        *(arg for platform in target.platforms() for arg in ("--platform", platform)),
        "--target",
        str(dest),
        "--cache-dir",
        str(cache_dir),
        "--report",
        str(report),
        *(arg for link in find_links for arg in ("--find-links", str(link))),
        *(["--no-index"] if no_index else []),
        "--requirement",
        str(requirements),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise PackageError(explain_pip_failure(completed.stderr, requirements, target))
    loaded = json.loads(report.read_text(encoding="utf-8"))
    installs: list[Mapping[str, object]] = loaded.get("install", [])
    return installs


def explain_pip_failure(stderr: str, requirements: Path, target: Target) -> str:
    """Turn pip's resolver error into one message naming the package, platform and runtime."""
    missing = _NO_MATCH.search(stderr)
    if missing is None:
        return f"pip could not install {requirements} for {target.describe()}:\n{stderr.strip()}"
    requirement = missing.group("req")
    versions = _VERSIONS.search(stderr)
    available = versions.group("versions") if versions else "none"
    return (
        f"no wheel of {requirement} for {target.describe()}: pip found no compatible built "
        f"distribution (compatible versions: {available}). Lambda cannot build sdists at deploy "
        "time, so pick a version that publishes a wheel for this runtime and architecture, or "
        f"build the wheel yourself and pass its directory with --find-links. ({requirements})"
    )


def marker_environment(target: Target) -> dict[str, str]:
    """PEP 508 marker variables of the Lambda target, not of this machine."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{target.python_version}.0",
        "os_name": "posix",
        "platform_machine": target.machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": f"{target.python_version}.0",
        "python_version": target.python_version,
        "sys_platform": "linux",
    }


def requirements_of(
    install: Mapping[str, object], extras: frozenset[str], environment: dict[str, str]
) -> Iterator[Requirement]:
    """The requirements of one installed distribution that apply on the target with ``extras``."""
    metadata = install.get("metadata")
    lines = metadata.get("requires_dist", []) if isinstance(metadata, Mapping) else []
    for line in lines:
        requirement = Requirement(str(line))
        marker = requirement.marker
        if marker is None or any(marker.evaluate({**environment, "extra": extra}) for extra in {"", *extras}):
            yield requirement


def distributions_to_drop(installs: Sequence[Mapping[str, object]], target: Target) -> set[str]:
    """Installed distributions that only the Lambda runtime's own libraries need.

    Walks the requirement graph from our requested distributions (with their extras),
    stopping at the runtime-provided ones; whatever pip installed that the walk never
    reaches is there for boto3's sake only.
    """
    environment = marker_environment(target)
    by_name: dict[str, Mapping[str, object]] = {}
    pending: list[tuple[str, frozenset[str]]] = []
    for install in installs:
        metadata = install.get("metadata")
        if not isinstance(metadata, Mapping):
            continue
        name = normalise_name(str(metadata["name"]))
        by_name[name] = install
        if install.get("requested"):
            extras = install.get("requested_extras")
            pending.append((name, frozenset(map(str, extras)) if isinstance(extras, list) else frozenset()))
    visited: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if name in RUNTIME_PROVIDED or name not in by_name or (name, extras) in visited:
            continue
        visited.add((name, extras))
        for requirement in requirements_of(by_name[name], extras, environment):
            pending.append((normalise_name(requirement.name), frozenset(requirement.extras)))
    return set(by_name) - {name for name, _ in visited}


def remove_distributions(site: Path, names: set[str]) -> None:
    """Delete every file pip recorded for the named distributions, then empty directories."""
    for dist_info in site.glob("*.dist-info"):
        metadata = dist_info / "METADATA"
        name = _metadata_name(metadata)
        if normalise_name(name) not in names:
            continue
        record = dist_info / "RECORD"
        for line in record.read_text(encoding="utf-8").splitlines():
            relative = line.rsplit(",", 2)[0].strip('"')
            path = (site / relative).resolve()
            if path.is_relative_to(site.resolve()) and path.is_file():
                path.unlink()
        shutil.rmtree(dist_info)
    _prune_empty_directories(site)


def _metadata_name(metadata: Path) -> str:
    for line in metadata.read_text(encoding="utf-8").splitlines():
        if line.startswith("Name:"):
            return line.partition(":")[2].strip()
    raise PackageError(f"{metadata} has no Name field")


def _prune_empty_directories(root: Path) -> None:
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()


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
) -> BuildResult:
    """Build the zip and return its path, size and ``filebase64sha256``."""
    if not (source / "__init__.py").is_file():
        raise PackageError(f"--source {source} is not a Python package (no __init__.py)")
    if not requirements.is_file():
        raise PackageError(f"--requirements {requirements} does not exist")
    files: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="lambda-package-") as scratch:
        site = Path(scratch) / "site"
        site.mkdir()
        installs = pip_install(
            requirements, target, site, cache_dir=cache_dir, find_links=find_links, no_index=no_index
        )
        remove_distributions(site, distributions_to_drop(installs, target))
        merge(files, collect(site, None, is_shipped_dependency), "dependencies")
        merge(files, collect(source, PurePosixPath(source.name), is_shipped_source), f"--source {source}")
        for extra in extra_sources:
            extra_files = collect(extra, PurePosixPath(extra.name), is_shipped_source)
            merge(files, extra_files, f"--extra-source {extra}")
        entries = write_zip(files, output, zip_timestamp(os.environ if environ is None else environ))
    return BuildResult(output, output.stat().st_size, base64_sha256(output), entries)


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ddb-stream-package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="ddb-stream-handler", help="function name (default zip name)")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="arm64")
    parser.add_argument("--runtime", choices=sorted(RUNTIMES), default="python3.13")
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
        )
    except PackageError as error:
        print(f"package: error: {error}", file=sys.stderr)
        return 2
    print(f"{result.path}  {args.runtime} {args.arch}  {result.entries} entries")
    print(f"  size:             {result.size} bytes ({result.size / 1_048_576:.2f} MiB)")
    print(f"  filebase64sha256: {result.base64_sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
