"""Bytecode for the Lambda package, compiled by the target runtime's own CPython minor.

Lambda's ``/var/task`` is read-only, so a zip without bytecode makes every cold start compile
each module it imports, and throw the result away. Shipping ``__pycache__/*.pyc`` removes that
work, but only if the files are exactly what the runtime's interpreter would load:

* compiled by the same CPython minor (the bytecode format and the magic number change with every
  minor, and with pre-releases, so only a final release counts);
* **unchecked-hash** pycs (PEP 552): they carry a hash of the source instead of its mtime and are
  never compared with the source at import, so no timestamp enters the zip and a pyc is never
  ignored because unzipping gave the source a newer mtime;
* compiled in a fresh interpreter with a fixed hash seed (a frozenset constant is marshalled in
  hash order), from the same inputs in the same order, so two builds are byte-identical.

Each pyc records the file's arcname (``handler/app.py``) as its filename; the import system
replaces it with the real path when it loads the module, so tracebacks show ``/var/task/...``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Runs in the compiling interpreter: reads [source path, arcname] pairs, writes each pyc under the
# output directory at the arcname's cache path, and reports [arcname, cache arcname, error].
_COMPILE = r"""
import importlib.util, json, os, py_compile, sys
out = sys.argv[1]
report = []
for source, arcname in json.load(sys.stdin):
    cached = importlib.util.cache_from_source(arcname)
    target = os.path.join(out, cached)
    try:
        py_compile.compile(
            source, cfile=target, dfile=arcname, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as error:
        report.append([arcname, None, str(error.msg).strip().splitlines()[-1]])
    else:
        report.append([arcname, cached, None])
json.dump(report, sys.stdout)
"""

_PROBE = (
    "import json, sys; print(json.dumps([sys.implementation.name, sys.version_info[0], sys.version_info[1],"
    " sys.version_info[3], sys.implementation.cache_tag, sys.version.split()[0]]))"
)


class BytecodeError(Exception):
    """The interpreter asked for cannot compile for the target (wrong version, not CPython, broken)."""


@dataclass(frozen=True)
class Compiler:
    """An interpreter that compiles bytecode the target runtime loads."""

    executable: str
    version: str
    """Full version, e.g. 3.11.7."""
    cache_tag: str
    """``sys.implementation.cache_tag``, e.g. cpython-311: the pyc file names carry it."""


@dataclass(frozen=True)
class Compiled:
    """The pycs of one build: arcname -> file, and the sources that did not compile."""

    files: dict[str, Path]
    failures: dict[str, str]


def probe(executable: str, minor: str) -> Compiler:
    """Check that ``executable`` is a final CPython ``minor`` (e.g. 3.13) and describe it."""
    try:
        completed = subprocess.run(
            [executable, "-S", "-c", _PROBE], capture_output=True, text=True, check=False, timeout=60
        )
    except OSError as error:
        raise BytecodeError(f"cannot run {executable}: {error}") from error
    if completed.returncode != 0:
        raise BytecodeError(f"{executable} failed to start: {completed.stderr.strip()[-500:]}")
    name, major, minor_number, level, cache_tag, version = json.loads(
        completed.stdout.strip().splitlines()[-1]
    )
    found = f"{major}.{minor_number}"
    if name != "cpython" or found != minor:
        shown = "CPython" if name == "cpython" else name
        raise BytecodeError(
            f"{executable} is {shown} {version}, but the target runtime runs CPython {minor}: "
            "bytecode from it would not load there"
        )
    if level != "final":
        # Pre-releases can change the bytecode format (and its magic number) before the release.
        raise BytecodeError(f"{executable} is CPython {version}, a pre-release; use a final {minor} release")
    return Compiler(executable=executable, version=version, cache_tag=str(cache_tag))


def choose(minor: str, target_python: str | None, enabled: bool = True) -> tuple[Compiler | None, str]:
    """The compiler for target CPython ``minor``, or None and why there is none.

    An explicit ``target_python`` must fit (BytecodeError otherwise: it was asked for); without
    one, the interpreter running the packager is used when it is that minor.
    """
    if not enabled:
        return None, "none (--no-bytecode)"
    if target_python:
        return probe(target_python, minor), ""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if sys.implementation.name == "cpython" and running == minor and sys.version_info[3] == "final":
        return Compiler(sys.executable, sys.version.split()[0], str(sys.implementation.cache_tag)), ""
    return None, (
        f"none: the packager runs {platform.python_implementation()} {platform.python_version()}, and only "
        f"CPython {minor} compiles bytecode the runtime loads; pass TARGET_PYTHON=/path/to/python{minor} "
        f"(make package) or --target-python to ship it. Without it, each cold start compiles every "
        "module it imports."
    )


def compile_sources(compiler: Compiler, sources: Mapping[str, Path], out: Path) -> Compiled:
    """Compile every ``.py`` of ``sources`` (arcname -> file) to unchecked-hash pycs under ``out``.

    The returned arcnames put each pyc in ``__pycache__`` next to its source, where the runtime
    looks for it.
    """
    jobs = sorted((arcname, str(path)) for arcname, path in sources.items() if arcname.endswith(".py"))
    # No site (nothing of the packager's environment), a fixed hash seed (set constants).
    completed = subprocess.run(
        [compiler.executable, "-S", "-s", "-c", _COMPILE, str(out)],
        input=json.dumps([[path, arcname] for arcname, path in jobs]),
        env={"PYTHONHASHSEED": "0", "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        raise BytecodeError(
            f"{compiler.executable} could not compile the package:\n{completed.stderr[-2000:]}"
        )
    files: dict[str, Path] = {}
    failures: dict[str, str] = {}
    for arcname, cached, error in json.loads(completed.stdout):
        if cached is None:
            failures[arcname] = error
        else:
            files[cached] = out / cached
    return Compiled(files, failures)
