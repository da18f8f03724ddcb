"""The risk level rule: the one place that grades a risk of the matrix.

A risk's **score** is ``probability × impact``, each scored 1–5, so the score runs from
1 to 25. The score falls in one of four classes (the thresholds are the table
``LEVELS`` below, lowest first; each row gives the lowest score of its class):

====== ======= =========
Score  Clase   slug
====== ======= =========
1–4    Bajo    bajo
5–9    Medio   medio
10–14  Alto    alto
15–25  Muy alto muy-alto
====== ======= =========

Pages colour a risk (and each cell of the 5 × 5 heat map) by its class slug, and always
print the class name next to the colour.
"""

from __future__ import annotations

from dataclasses import dataclass

SCORE_MIN, SCORE_MAX = 1, 5


@dataclass(frozen=True)
class LevelClass:
    slug: str
    label: str
    min_score: int


# Lowest score of each class, lowest class first. Change the thresholds here only.
LEVELS: tuple[LevelClass, ...] = (
    LevelClass("bajo", "Bajo", 1),
    LevelClass("medio", "Medio", 5),
    LevelClass("alto", "Alto", 10),
    LevelClass("muy-alto", "Muy alto", 15),
)


@dataclass(frozen=True)
class RiskLevel:
    probability: int
    impact: int
    score: int
    slug: str
    label: str

    def __str__(self) -> str:
        return f"{self.score} · {self.label}"


def level_for_score(score: int) -> LevelClass:
    """The class of a score 1–25 (``ValueError`` outside that range)."""
    if not SCORE_MIN * SCORE_MIN <= score <= SCORE_MAX * SCORE_MAX:
        raise ValueError(f"El nivel de riesgo va de 1 a 25; se recibió {score}.")
    found = LEVELS[0]
    for level in LEVELS:
        if score >= level.min_score:
            found = level
    return found


def risk_level(probability: int, impact: int) -> RiskLevel:
    """Score (``probability × impact``) and class of a risk; both scores must be 1–5."""
    for name, value in (("La probabilidad", probability), ("El impacto", impact)):
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise ValueError(f"{name} va de 1 a 5; se recibió {value}.")
    score = probability * impact
    level = level_for_score(score)
    return RiskLevel(
        probability=probability, impact=impact, score=score, slug=level.slug, label=level.label
    )


def level_ranges() -> list[tuple[LevelClass, int, int]]:
    """(class, lowest score, highest score) of each class, for the legend of the heat map."""
    out = []
    for i, level in enumerate(LEVELS):
        top = LEVELS[i + 1].min_score - 1 if i + 1 < len(LEVELS) else SCORE_MAX * SCORE_MAX
        out.append((level, level.min_score, top))
    return out
