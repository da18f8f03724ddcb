"""The trend of an indicator between two consecutive measurements, read with its direction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rumbo.core.semaforo import Direction


@dataclass(frozen=True)
class Trend:
    arrow: str  # «↑», «↓» or «=»
    improved: bool | None  # None when the value did not move

    @property
    def label(self) -> str:
        if self.improved is None:
            return "Sin cambio respecto del periodo anterior"
        verb = "Sube" if self.arrow == "↑" else "Baja"
        return f"{verb}: {'mejora' if self.improved else 'empeora'} respecto del periodo anterior"

    @property
    def css(self) -> str:
        if self.improved is None:
            return "same"
        return "better" if self.improved else "worse"


def trend(
    previous: Decimal | None, current: Decimal | None, direction: Direction | str
) -> Trend | None:
    """↑/↓/= from ``previous`` to ``current``; improvement depends on the direction.

    None when either value is missing (first period, or a period not measured).
    """
    if previous is None or current is None:
        return None
    if current == previous:
        return Trend("=", None)
    up = current > previous
    ascending = Direction(direction) is Direction.ASCENDING
    return Trend("↑" if up else "↓", up == ascending)
