"""The staff pages that show a program's monthly progress say when it is simulated: the
capture index and grid, the transparency formats and their review before download."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from rumbo.monitoring.simulated import SIMULATED_PROGRESS_NOTE
from tests.factories import Demo

pytestmark = pytest.mark.django_db


def _pages(demo: Demo) -> list[str]:
    return [
        reverse("web:capture", args=["IEEM", 2024]),
        reverse("web:capture_grid", args=["IEEM", 2024, demo.area_se.code, 1]),
        reverse("web:transparency", args=["IEEM"]) + "?ejercicio=2024",
        reverse("web:transparency_review", args=["IEEM", "cdmx-121-xxii"]) + "?ejercicio=2024",
    ]


def test_simulated_progress_is_labelled_on_capture_and_transparency_pages(as_user, demo) -> None:
    client = as_user("planeacion")

    def labelled() -> dict[str, bool]:
        out = {}
        for url in _pages(demo):
            response = client.get(url)
            assert response.status_code == 200, url
            out[url] = SIMULATED_PROGRESS_NOTE in html.unescape(response.content.decode())
        return out

    assert labelled() == dict.fromkeys(_pages(demo), False)
    demo.program.progress_simulated = True
    demo.program.save(update_fields=["progress_simulated"])
    assert labelled() == dict.fromkeys(_pages(demo), True)
