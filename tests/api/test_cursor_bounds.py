"""A cursor whose id is past the tables' 32-bit ids is a 422, on every id-keyed list."""

from __future__ import annotations

import pytest

from openapi.pagination import encode_cursor

PATHS = [
    "/api/v1/credit-list-entries",
    "/api/v1/ratings",
    "/api/v1/inspections",
    "/api/v1/notices",
    "/api/v1/decisions",
]


@pytest.mark.parametrize("path", PATHS)
def test_an_id_past_32_bits_is_refused_not_a_crash(client, path):
    response = client.get(path, query_string={"cursor": encode_cursor(2**31)})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    fine = client.get(path, query_string={"cursor": encode_cursor(2**31 - 1)})
    assert fine.status_code == 200
    assert fine.get_json()["items"] == []
