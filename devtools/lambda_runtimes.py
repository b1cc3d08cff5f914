"""The Lambda Python runtimes the packager builds for, with their OS and deprecation dates.

From the Lambda developer guide's runtimes page (Python runtimes table) and its runtime
deprecation policy: after the deprecation date a runtime gets no more security patches, after the
"block function create" date no new function can use it, after "block function update" no
existing function can be updated with it (the function still runs).

python3.12, 3.13 and 3.14 run on Amazon Linux 2023 (glibc 2.34), so wheels of every manylinux
policy up to glibc 2.34 run there; python3.11 runs on Amazon Linux 2 (glibc 2.26). The Terraform
module accepts the Amazon Linux 2023 ones; python3.11 is accepted here only because it is the
CPython this project's CI machine has, to build and test the bytecode path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Runtime:
    """One Lambda Python runtime."""

    identifier: str
    python_version: str
    operating_system: str
    glibc_minor: int
    """The newest glibc 2.x of the runtime's OS: the highest manylinux_2_X policy that runs there."""
    deprecated: date
    block_create: date
    block_update: date


RUNTIMES: dict[str, Runtime] = {
    runtime.identifier: runtime
    for runtime in (
        Runtime(
            "python3.14",
            "3.14",
            "Amazon Linux 2023",
            34,
            date(2029, 6, 30),
            date(2029, 7, 31),
            date(2029, 8, 31),
        ),
        Runtime(
            "python3.13",
            "3.13",
            "Amazon Linux 2023",
            34,
            date(2029, 6, 30),
            date(2029, 7, 31),
            date(2029, 8, 31),
        ),
        Runtime(
            "python3.12",
            "3.12",
            "Amazon Linux 2023",
            34,
            date(2028, 10, 31),
            date(2028, 11, 30),
            date(2029, 1, 10),
        ),
        Runtime(
            "python3.11",
            "3.11",
            "Amazon Linux 2",
            26,
            date(2026, 6, 30),
            date(2026, 7, 31),
            date(2026, 8, 31),
        ),
    )
}

#: How long before its deprecation a runtime gets a warning, so the move is planned, not forced.
NOTICE = timedelta(days=180)


def deprecation_warning(identifier: str, today: date) -> str | None:
    """A warning for a runtime that is, or within NOTICE will be, deprecated on Lambda; else None."""
    runtime = RUNTIMES[identifier]
    newest = max(RUNTIMES.values(), key=lambda candidate: candidate.deprecated).identifier
    if today >= runtime.block_update:
        state = (
            f"deprecated since {runtime.deprecated}; Lambda blocks creating functions with it since "
            f"{runtime.block_create} and updating them since {runtime.block_update}, so this zip "
            "cannot be deployed on it"
        )
    elif today >= runtime.block_create:
        state = (
            f"deprecated since {runtime.deprecated}; Lambda blocks creating functions with it since "
            f"{runtime.block_create} and will block updating them on {runtime.block_update}"
        )
    elif today >= runtime.deprecated:
        state = (
            f"deprecated since {runtime.deprecated} (no more security patches); Lambda blocks creating "
            f"functions with it on {runtime.block_create} and updating them on {runtime.block_update}"
        )
    elif today >= runtime.deprecated - NOTICE:
        return (
            f"{identifier} will be deprecated on Lambda on {runtime.deprecated} (creating functions "
            f"blocked on {runtime.block_create}, updating them on {runtime.block_update}): move to {newest}."
        )
    else:
        return None
    return f"{identifier} is {state}: move to {newest}."


ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}


@dataclass(frozen=True)
class Target:
    """The Lambda runtime and architecture the dependencies are installed for."""

    runtime: str
    arch: str

    @property
    def python_version(self) -> str:
        return RUNTIMES[self.runtime].python_version

    @property
    def machine(self) -> str:
        return ARCHITECTURES[self.arch]

    def platforms(self) -> list[str]:
        """pip ``--platform`` values: every manylinux policy the runtime's glibc runs, newest first.

        pip does not expand ``manylinux_2_X`` tags downwards by itself, so the whole range from
        manylinux2014 (glibc 2.17) up to the runtime OS's glibc is listed.
        """
        newest = RUNTIMES[self.runtime].glibc_minor
        tags = [f"manylinux_2_{minor}_{self.machine}" for minor in range(newest, 16, -1)]
        return [*tags, f"manylinux2014_{self.machine}"]

    def describe(self) -> str:
        runtime = RUNTIMES[self.runtime]
        return (
            f"Lambda {self.runtime} on {self.arch} (CPython {self.python_version}, "
            f"{runtime.operating_system}, manylinux glibc 2.17-2.{runtime.glibc_minor} {self.machine})"
        )
