"""The risk level rule: score = probability × impact, four classes with fixed thresholds."""

from __future__ import annotations

import pytest

from rumbo.design.risk import LEVELS, level_for_score, level_ranges, risk_level


@pytest.mark.parametrize(
    ("probability", "impact", "score", "label"),
    [
        (1, 1, 1, "Bajo"),
        (2, 2, 4, "Bajo"),
        (1, 5, 5, "Medio"),
        (3, 3, 9, "Medio"),
        (2, 5, 10, "Alto"),
        (4, 3, 12, "Alto"),
        (3, 4, 12, "Alto"),
        (5, 3, 15, "Muy alto"),
        (5, 5, 25, "Muy alto"),
    ],
)
def test_score_and_class(probability, impact, score, label):
    level = risk_level(probability, impact)
    assert level.score == score
    assert level.label == label
    assert str(level) == f"{score} · {label}"


def test_every_score_has_exactly_the_documented_class():
    expected = {
        range(1, 5): "bajo",
        range(5, 10): "medio",
        range(10, 15): "alto",
        range(15, 26): "muy-alto",
    }
    for scores, slug in expected.items():
        for score in scores:
            assert level_for_score(score).slug == slug, score


def test_thresholds_are_one_table_and_the_legend_follows_it():
    assert [level.min_score for level in LEVELS] == [1, 5, 10, 15]
    assert [(lvl.label, low, high) for lvl, low, high in level_ranges()] == [
        ("Bajo", 1, 4),
        ("Medio", 5, 9),
        ("Alto", 10, 14),
        ("Muy alto", 15, 25),
    ]


@pytest.mark.parametrize(("probability", "impact"), [(0, 3), (6, 1), (3, 0), (1, 6)])
def test_scores_outside_one_to_five_are_refused(probability, impact):
    with pytest.raises(ValueError, match="va de 1 a 5"):
        risk_level(probability, impact)


def test_symmetric():
    for p in range(1, 6):
        for i in range(1, 6):
            assert risk_level(p, i).slug == risk_level(i, p).slug
