"""The committed spec is the served spec: a change to the API shows up in review."""

from __future__ import annotations

import json

from openapi import SPEC_FILE


def test_served_spec_matches_the_committed_file(client):
    served = client.get("/api/v1/openapi.json").get_json()
    committed = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert served == committed, "the API changed: run `make spec` and commit openapi/openapi.json"


def test_every_operation_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            success = {"200", "201", "204"} & set(operation["responses"])
            assert success, f"{method.upper()} {path} documents no success response"
            if method == "get":
                assert "200" in operation["responses"], f"GET {path}"
            if path.startswith("/api/v1/officer/"):
                assert operation.get("security") == [{"OfficerToken": []}], f"{method} {path}"
                assert "401" in operation["responses"], f"{method.upper()} {path} documents no 401"
