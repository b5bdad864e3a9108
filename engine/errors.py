"""Errors a person can cause, each carrying one sentence they can read."""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error the app reports to a person rather than as a bug."""


class FileFormatError(StudioError):
    """A graph file that cannot be opened; the message names the place."""


class EditRefused(StudioError):
    """An edit the graph rules forbid (a cycle, a port the op lacks, ...)."""


class BadValue(StudioError):
    """A value that is not a number or a rectangular nested list of numbers."""


class EvaluationError(StudioError):
    """The output cannot be computed; the message names the node."""
