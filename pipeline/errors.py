"""Errors the CLI reports to the user as one clear line and a non-zero exit.

Everything the user can get wrong (a missing zip, an unreachable endpoint, bad tfvars,
a malformed pattern) is raised as a :class:`PipelineError` subclass so the CLI can print
the message without a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A user-facing error: the message says what is wrong and how to fix it."""

    exit_code = 2


class MissingZipError(PipelineError):
    """The handler zip does not exist (``make package`` was not run)."""


class SettingsError(PipelineError):
    """Terraform could not render the settings (bad tfvars, invalid values)."""


class EndpointError(PipelineError):
    """The AWS endpoint cannot be reached or rejected the credentials."""


class StreamNotFoundError(PipelineError):
    """The table has no stream, or the stream ARN does not exist."""
