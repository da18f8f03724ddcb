"""Test data committed once and shared by many tests.

A test that uses pytest-django's ``db`` runs in a transaction rolled back at its end, so
rows committed before it are there for every such test, unchanged. Whoever commits them
takes them away again with ``flush`` (as pytest-django flushes after a transactional
test), so that the tests that do not ask for them find the database empty, as always.
Model instances are handed out unpickled from the bytes taken when they were built:
each test gets its own copy, never one a previous test changed.
"""

from __future__ import annotations

from django.core.management import call_command


def flush() -> None:
    """Empty the test database the way pytest-django empties it after a transactional test."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
