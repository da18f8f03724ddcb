"""The publication checker: read an existing transparency file and list every problem."""

from .check import ERROR, CheckFinding, CheckResult, check_file
from .read import Table, UnreadableFile, read_table

__all__ = [
    "ERROR",
    "CheckFinding",
    "CheckResult",
    "Table",
    "UnreadableFile",
    "check_file",
    "read_table",
]
