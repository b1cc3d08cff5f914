"""Errors the CLI reports to the user as one clear line, and the exit codes they map to.

Everything the user can get wrong (a missing zip, an unreachable endpoint, bad tfvars, a malformed
pattern, a damaged state file) is raised as a :class:`PipelineError` subclass, so the CLI prints the
message without a traceback; anything else is a bug and keeps its traceback. The exit codes live
here and nowhere else.
"""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0
#: The command ran, but its result needs attention (lint findings, messages kept by redrive,
#: a demo whose outcome differs from what the settings imply).
EXIT_ATTENTION: Final = 1
#: Bad input or an environment the command cannot work with: nothing was done.
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130
#: The reader of our output went away (``... | head``): what a process killed by SIGPIPE returns.
EXIT_BROKEN_PIPE: Final = 141


class PipelineError(Exception):
    """A user-facing error: the message says what is wrong and how to fix it."""

    exit_code = EXIT_USAGE
    #: Printed before the message: ``error: <prefix><message>``.
    prefix = ""


class MissingZipError(PipelineError):
    """The handler zip does not exist (``make package`` was not run)."""


class SettingsError(PipelineError):
    """Terraform could not render the settings (bad tfvars, invalid values)."""

    prefix = "bad settings: "


class EndpointError(PipelineError):
    """The AWS endpoint cannot be reached or rejected the credentials."""


class StreamNotFoundError(PipelineError):
    """The table has no stream, or the stream ARN does not exist."""


class InputError(PipelineError):
    """An input file or argument the command cannot use; the message names it and what is wrong."""


class StateFileError(PipelineError):
    """The ``--state-file`` is damaged, belongs to another stream, or is in use by another poller.

    The message names the file and the field; nothing is read from the stream until it is fixed,
    so no record is skipped or replayed because of it.
    """

    prefix = "state file "
