"""The OpenAPI document is valid and declares every error; the docs page works offline."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.test import Client

from rumbo.api.urls import api

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(client: Client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi(document: dict) -> None:
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # raises on an invalid document
    # 37 + 6 open-data operations + 8 of the approved program (approve, versions ×2,
    # adjustments: create, list, read, approve, reject) + 4 of a MIR's life cycle (review,
    # return, approve, close) + 4 of the review's observations (list, write, answer, resolve)
    # + the national comparison (open data) + a program's budget and
    # its physical-financial figures
    assert len(list(schema.get_all_operations())) == 62


def test_an_invalid_document_is_refused() -> None:
    """The validation above can fail: a broken document raises."""
    broken = api.get_openapi_schema()
    broken = {**broken, "paths": {"/x": {"get": {"responses": "nada"}}}}
    with pytest.raises(Exception):  # noqa: B017 - jsonschema_rs.ValidationError
        schemathesis.openapi.from_dict(broken).validate()


def test_every_operation_declares_its_errors(document: dict) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            if path.startswith("/api/v1/open/"):  # anonymous by design: no credentials
                assert "security" not in operation and "401" not in declared, (method, path)
                lists = ("/api/v1/open/institutions", "/api/v1/open/comparison/{year}")
                assert "404" in declared or path in lists, (method, path)
                continue
            assert "401" in declared, (method, path)
            assert {"BearerAuth", "SessionAuth"} <= {
                name for req in operation["security"] for name in req
            }
            if path == "/api/v1/institutions":
                continue
            assert declared & {"200", "201"}, (method, path)  # 201: a request created
            assert {"401", "403", "404", "422"} <= declared, (method, path)
            error = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert error["$ref"].endswith("/ValidationErrorOut")


def test_the_docs_page_uses_no_cdn(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "an external asset"
    assets = re.findall(r"(?:src|href)=\"(/api/v1/docs/assets/[^\"]+)\"", html)
    assert len(assets) >= 3
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content)
        assert len(body) > 100
    assert client.get("/api/v1/docs/assets/../../settings.py").status_code == 404
    assert client.get("/api/v1/docs/assets/secreto.js").status_code == 404
