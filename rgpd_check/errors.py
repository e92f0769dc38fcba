"""Errors with the exit code the CLI gives them.

Each layer raises a subclass of :class:`RgpdCheckError`; the CLI catches them once and prints
one line. Exit codes are part of the CI contract (see the README).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING_COLLECTED = 3
EXIT_INTERNAL = 4  # a bug in rgpd-check itself; never used for a site's misbehaviour


class RgpdCheckError(Exception):
    """Base of every expected error; ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_USAGE


class InputError(RgpdCheckError):
    """Bad user input: an invalid URL, an unreadable or invalid file, a bad option."""

    exit_code = EXIT_USAGE


class NothingCollectedError(RgpdCheckError):
    """Not a single page could be fetched; the report still says why."""

    exit_code = EXIT_NOTHING_COLLECTED


class BundleError(RgpdCheckError):
    """An evidence bundle that cannot be read at all (missing, not a bundle)."""

    exit_code = EXIT_USAGE
