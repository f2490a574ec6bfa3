"""Errors whose message is meant for the user: Polish, naming the field and what is allowed."""

from __future__ import annotations


class KKZError(Exception):
    """Base of every error the product shows to a user; ``str(err)`` is the Polish message."""


class InputError(KKZError, ValueError):
    """Bad input from outside (a cell, a file, a command line): names the field and the rule."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class DataError(KKZError):
    """A data file of the product (parameter base, template, register) is broken or incomplete."""
