"""What the plan's services share: the «not given» marker of updates and the length limits."""

from __future__ import annotations

from typing import Any

from ..models import GeneralProgram, LineOfAction, Policy, StrategicObjective

UNSET: Any = object()
MIN_YEAR, MAX_YEAR = 1990, 2100
CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 5000

PlanElement = Policy | GeneralProgram | StrategicObjective | LineOfAction
