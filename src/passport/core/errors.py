"""Domain errors more than one room raises and the HTTP toolbox answers."""

from __future__ import annotations


class StaleVersion(Exception):
    """Someone else changed the record since this change was prepared (a lost update refused)."""
