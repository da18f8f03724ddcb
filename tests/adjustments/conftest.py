"""The budget the adecuaciones presupuestarias tests move (budget_world.py)."""

from __future__ import annotations

import pytest

from rumbo.budget.services import cog_load

from .budget_world import load


@pytest.fixture
def budget(demo, tmp_path):
    cog_load()
    load(tmp_path)
    return demo
