"""The Lambda package's dependencies: pip installs wheels for the target, then what Lambda provides goes.

``pip install --target`` with ``--only-binary=:all:`` and the target's platform tags gives the
wheels Lambda can run; the install report tells which distributions were requested and what each
one requires, so :func:`distributions_to_drop` can remove exactly what only the runtime's own
libraries (boto3's stack) need - or, with the public Powertools layer attached, what only
Powertools needs (:func:`powertools_closure`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from packaging.requirements import Requirement

from devtools.lambda_runtimes import Target

# Distributions the Lambda Python runtime provides. Anything that only these need
# (jmespath, urllib3, python-dateutil, six) is dropped with them; a dependency that one of
# our own distributions also needs (Powertools needs jmespath) stays, pinned as tested.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
POWERTOOLS = "aws-lambda-powertools"

_NO_MATCH = re.compile(r"No matching distribution found for (?P<req>\S+)")
_VERSIONS = re.compile(r"satisfies the requirement (?P<req>\S+) \(from versions: (?P<versions>[^)]*)\)")


class DependencyError(Exception):
    """pip could not install the requirements for the target, or its output is not what it should be."""


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
        raise DependencyError(explain_pip_failure(completed.stderr, requirements, target))
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


def distributions_to_drop(
    installs: Sequence[Mapping[str, object]], target: Target, provided: frozenset[str] = RUNTIME_PROVIDED
) -> set[str]:
    """Installed distributions that only what Lambda provides (``provided``) needs.

    Walks the requirement graph from our requested distributions (with their extras),
    stopping at the provided ones; whatever pip installed that the walk never reaches is
    there for boto3's sake only (or, with the Powertools layer, for Powertools' sake).
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
        if name in provided or name not in by_name or (name, extras) in visited:
            continue
        visited.add((name, extras))
        for requirement in requirements_of(by_name[name], extras, environment):
            pending.append((normalise_name(requirement.name), frozenset(requirement.extras)))
    return set(by_name) - {name for name, _ in visited}


def powertools_closure(installs: Sequence[Mapping[str, object]], target: Target) -> frozenset[str]:
    """Powertools and every installed distribution it needs: what the public Powertools layer holds.

    The layer ships Powertools with its dependencies; with the layer attached, none of them has
    to be in the zip. Empty when Powertools is not among the installed distributions.
    """
    environment = marker_environment(target)
    by_name = {
        normalise_name(str(metadata["name"])): install
        for install in installs
        if isinstance(metadata := install.get("metadata"), Mapping)
    }
    found: set[str] = set()
    pending = [POWERTOOLS] if POWERTOOLS in by_name else []
    while pending:
        name = pending.pop()
        if name in found or name in RUNTIME_PROVIDED or name not in by_name:
            continue
        found.add(name)
        pending += [
            normalise_name(req.name) for req in requirements_of(by_name[name], frozenset(), environment)
        ]
    return frozenset(found)


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
    raise DependencyError(f"{metadata} has no Name field")


def _prune_empty_directories(root: Path) -> None:
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()
