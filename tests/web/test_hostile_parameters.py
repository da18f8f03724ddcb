"""Garbled query parameters never answer 500: every GET page of the URL table, with each
parameter any page reads set to a value that looks like a number to ``str.isdigit`` but
is not one («²»), and with all of them set to letters, a huge number, a negative one, a
fraction or a NUL, answers a page (200), a redirect, or a clear refusal (400/404) —
never a server error. (core.text.whole_number is the one parser of whole numbers.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.test_url_walk import PAGES

pytestmark = pytest.mark.django_db

# Every query parameter a page reads (grep request.GET in rumbo/); a new one belongs here.
PARAMETERS = (
    "mes", "trimestre", "anio", "ejercicio", "year", "month", "mir", "area", "nodo",
    "semaforo", "estado", "formato", "pagina", "page", "de", "a", "q", "tipo", "nivel",
    "indicador", "componente", "actividad", "superior", "padre", "arbol", "fragmento",
    "informe", "volver", "alta", "version", "accion", "usuario", "desde", "hasta", "orden",
)  # fmt: skip
HOSTILE = ("²", "abc", "99999999999999999999999", "-1", "1.5", "\x00")
GET_PAGES = sorted(n for n, p in PAGES.items() if p.method == "get")


@pytest.mark.parametrize("name", GET_PAGES)
def test_garbled_parameters_never_answer_500(client, demo, name):
    page = PAGES[name]
    persona = "planeacion" if "planeacion" in page.allowed else sorted(page.allowed)[0]
    client.force_login(demo.users[persona])
    url = reverse(f"web:{name}", args=page.args(demo))
    failures = []
    # «²» one parameter at a time (each parser on its own); the other values all at once.
    queries = [{parameter: "²"} for parameter in PARAMETERS]
    queries += [dict.fromkeys(PARAMETERS, value) for value in HOSTILE if value != "²"]
    for query in queries:
        response = client.get(url, query)
        if response.status_code >= 500:
            shown = next(iter(query.items())) if len(query) == 1 else ("*", query["mes"])
            failures.append(f"{shown[0]}={shown[1]!r} → {response.status_code}")
    assert not failures, f"{url}: " + "; ".join(failures)


def test_a_nul_character_is_a_400_that_names_the_parameter(client, demo):
    """PostgreSQL refuses NUL in text: caught before any view, on pages and on the API."""
    client.force_login(demo.users["planeacion"])
    page = client.get("/i/IEEM/programa/2024/adecuaciones/nueva/", {"actividad": "01\x0001"})
    assert page.status_code == 400
    assert "«actividad» contiene un carácter nulo" in page.content.decode()
    api = client.get("/api/v1/institutions/IEEM/programs/2024", {"q": "\x00"})
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "q"
    assert api.json()["errors"][0]["message"].startswith("El parámetro «q»")
    form = client.post("/i/IEEM/programa/2024/adecuaciones/nueva/", {"justification": "a\x00"})
    assert form.status_code == 400
