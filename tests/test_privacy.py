"""Personal ID numbers, private phones, officers' notes and secrets never leave through the
public API or the bulk files: no public schema, parameter, field spec or served record
carries a name that registry.public.FORBIDDEN matches."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from registry.apikeys.models import ApiKey
from registry.apikeys.services import ApiKeyService
from registry.demo.seed import seed_register
from registry.public import FORBIDDEN, FieldSpec

#: modules that define what the public sees; a later one only needs adding here
PUBLIC_MODULES = [
    "registry.organisations.public",
    "registry.community.public",
    "registry.inspections.public",
    "registry.credit.public",
    "registry.ratings.public",
    "registry.deregistration.public",
    "registry.charities.public",
]
#: the bulk files' datasets, written by the exports package when it is there
OPTIONAL_PUBLIC_MODULES = ["registry.exports.datasets"]
#: what only the API key's holder and the officers may see
API_KEY_ONLY = {"key_hash", "prefix", "revoked_at", "last_used_at", "secret", "api_key"}


def schema_names(node: Any, where: str = "$") -> Iterator[tuple[str, str]]:
    """Every property, required, parameter, header and schema name in an OpenAPI document."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}"
            if key in ("properties", "schemas", "headers", "securitySchemes") and isinstance(
                value, dict
            ):
                yield from ((name, here) for name in value)
            elif key == "required" and isinstance(value, list):
                yield from ((name, here) for name in value if isinstance(name, str))
            elif key == "parameters" and isinstance(value, list):
                yield from ((p["name"], here) for p in value if isinstance(p, dict) and "name" in p)
            yield from schema_names(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from schema_names(item, f"{where}[{index}]")


def record_keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from record_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from record_keys(item)


def field_spec_tuples(module: ModuleType) -> Iterator[tuple[str, list[FieldSpec]]]:
    for name, value in vars(module).items():
        if (
            isinstance(value, tuple | list)
            and value
            and all(isinstance(item, FieldSpec) for item in value)
        ):
            yield f"{module.__name__}.{name}", list(value)


def public_modules() -> list[ModuleType]:
    modules = [importlib.import_module(name) for name in PUBLIC_MODULES]
    for name in OPTIONAL_PUBLIC_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            continue  # not written yet: the others are still checked
    return modules


def test_the_walker_finds_what_it_looks_for():
    document = {
        "paths": {"/x": {"get": {"parameters": [{"name": "phone", "in": "query"}]}}},
        "components": {
            "schemas": {"A": {"properties": {"b": {"items": {"properties": {"id_card": {}}}}}}}
        },
    }
    names = {name for name, _ in schema_names(document)}
    assert {"phone", "A", "b", "id_card"} <= names
    assert FORBIDDEN.search("phone") and FORBIDDEN.search("id_card")
    assert FORBIDDEN.search("officer_notes") and FORBIDDEN.search("key_hash")


#: the officers' API: signed in, never public (tests/accounts guard what it answers)
OFFICER_PATHS = "/api/v1/officer/"


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def public_part(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without the officers' operations, their security scheme, and the schemas
    only they use."""
    paths = {p: ops for p, ops in spec["paths"].items() if not p.startswith(OFFICER_PATHS)}
    components = dict(spec.get("components", {}))
    schemas = components.pop("schemas", {})
    components["securitySchemes"] = {
        name: scheme
        for name, scheme in components.get("securitySchemes", {}).items()
        if name != "OfficerToken"
    }
    reachable: set[str] = set()
    todo = list(refs([paths, components]))
    while todo:
        name = todo.pop()
        if name in schemas and name not in reachable:
            reachable.add(name)
            todo.extend(refs(schemas[name]))
    components["schemas"] = {n: s for n, s in schemas.items() if n in reachable}
    return {**spec, "paths": paths, "components": components}


def test_public_part_leaves_out_the_officers_api():
    spec = {
        "paths": {
            "/api/v1/x": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"}}}},
            "/api/v1/officer/me": {"get": {"responses": {"200": {"$ref": "#/s/Secret"}}}},
        },
        "components": {
            "schemas": {"A": {"properties": {"b": {"$ref": "#/s/B"}}}, "B": {}, "Secret": {}},
            "securitySchemes": {"ApiKey": {}, "OfficerToken": {}},
        },
    }
    public = public_part(spec)
    assert list(public["paths"]) == ["/api/v1/x"]
    assert set(public["components"]["schemas"]) == {"A", "B"}
    assert set(public["components"]["securitySchemes"]) == {"ApiKey"}


def test_no_public_schema_or_parameter_has_a_forbidden_name(client):
    spec = public_part(client.get("/api/v1/openapi.json").get_json())
    names = list(schema_names(spec))
    assert len(names) > 100  # the walk reached the nested schemas and the parameters
    leaks = [(name, where) for name, where in names if FORBIDDEN.search(name)]
    assert leaks == []
    # The one place keys are named is the security scheme; nothing else about them.
    key_fields = [
        (name, where)
        for name, where in names
        if name in API_KEY_ONLY
        or (name.lower().startswith("apikey") and "securitySchemes" not in where)
    ]
    assert key_fields == []
    columns = {column.name for column in ApiKey.__table__.columns} - {"id", "name", "created_at"}
    assert not columns & {name for name, _ in names}


def test_no_public_field_spec_has_a_forbidden_name():
    found = [found for module in public_modules() for found in field_spec_tuples(module)]
    assert {"registry.organisations.public.ORGANISATION_FIELDS"} <= {name for name, _ in found}
    for tuple_name, specs in found:
        for spec in specs:
            assert not FORBIDDEN.search(spec.name), f"{tuple_name}: {spec.name}"
            assert spec.name not in API_KEY_ONLY, f"{tuple_name}: {spec.name}"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations?limit=50",
        "/api/v1/community-organisations?limit=50",
        "/api/v1/changes?limit=200",
        "/api/v1/stats",
        "/api/v1/divisions/320000",
        "/api/v1/authorities",
    ],
)
def test_served_records_carry_no_forbidden_field_and_no_key(client, session, clock, path):
    seed_register(session, clock, organisations=40, community=20, commit=False)
    key, secret = ApiKeyService(session, clock).issue("mirror")
    session.commit()
    response = client.get(path, headers={"X-API-Key": secret})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert secret not in body and key.key_hash not in body
    leaks = {name for name in record_keys(response.get_json()) if FORBIDDEN.search(name)}
    assert leaks == set()


def test_an_organisation_and_its_history_carry_no_forbidden_field(client, session, clock):
    seed_register(session, clock, organisations=40, community=0, commit=False)
    session.commit()
    page = client.get("/api/v1/organisations?limit=40").get_json()["items"]
    for record in page[:10]:
        for path in (
            f"/api/v1/organisations/{record['uscc']}",
            f"/api/v1/organisations/{record['uscc']}/changes",
        ):
            body = client.get(path).get_json()
            assert {n for n in record_keys(body) if FORBIDDEN.search(n)} == set(), path


def test_officers_notes_contacts_and_tokens_never_reach_the_public(client, session, clock):
    """Everything an officer writes that is not public, written once with a marker, then
    looked for in every public answer about the organisation."""
    from datetime import date

    from registry.accounts.rules import Actor
    from registry.credit.services import CreditService
    from registry.inspections.services import InspectionService
    from registry.organisations.services import OrganisationService
    from tests.accounts.factories import officer_with_token
    from tests.organisations.factories import registration

    marker = "机密MARKER"
    system = Actor.system("test")
    organisation = OrganisationService(session, clock).register(
        registration(founded_on=date(2015, 3, 2))
    )
    code = organisation.uscc
    contents = {
        "compliance_statement": "遵守法律法规",
        "activities": [{"title": "活动"}],
        "staff_count": 2,
        "officers": [{"name": f"理事{marker}", "position": "理事长"}],
        "finances": {
            "income": "1.00",
            "expenditure": "1.00",
            "net_assets": "1.00",
            "donations_received": "0",
        },
    }
    inspections = InspectionService(session, clock)
    report = inspections.submit(system, code, 2025, contents, date(2026, 5, 2), channel="counter")
    inspections.conclude(
        system, report.id, "basic_pass", "财务不规范", date(2026, 6, 1), review_notes=marker
    )
    credit = CreditService(session, clock)
    entry = credit.enter(system, code, "rectification_not_met", None, date(2026, 6, 1))
    entry.notes = marker
    credit.record_contact(system, code, "letter", date(2026, 6, 2), False, f"挂号信{marker}")
    # A dormant organisation's case: notes, responses and documents' remarks.
    from registry.deregistration.services import CaseService
    from tests.credit.factories import report as filed

    dormant = OrganisationService(session, clock).register(
        registration(founded_on=date(2015, 3, 2))
    )
    for year in range(2015, 2024):
        filed(session, dormant, year, date(year + 1, 4, 1))
    cases = CaseService(session, clock)
    cases.detect(system)
    (case,) = cases.open(system, [dormant.uscc], note=marker)
    cases.move(system, case.id, "review", note=marker)
    cases.move(system, case.id, "contact", note=marker)
    notice = cases.publish_notice(system, "dormant", [case.id], note=marker)
    cases.record_response(system, notice.id, dormant.uscc, response=marker)
    _officer, secret = officer_with_token(session, "reviewer", "320102")
    session.commit()

    paths = [
        f"/api/v1/organisations/{code}",
        f"/api/v1/organisations/{code}/changes",
        f"/api/v1/inspections?uscc={code}",
        f"/api/v1/inspections?uscc={code}&format=csv",
        f"/api/v1/credit-list-entries?uscc={code}",
        f"/api/v1/credit-list-entries?uscc={code}&format=jsonl",
        f"/api/v1/ratings?uscc={code}",
        "/api/v1/changes?limit=200",
        f"/api/v1/search?q={code}",
        f"/api/v1/organisations/{dormant.uscc}",
        "/api/v1/notices",
        "/api/v1/notices?format=csv",
        f"/api/v1/notices/{notice.id}",
        "/api/v1/notices/feed.atom",
        "/api/v1/at-risk",
        "/api/v1/at-risk?format=jsonl",
        f"/documents/notices/{notice.id}",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert marker not in body and secret not in body, path
    # The public does see the case's organisation on the at-risk list and in the notice.
    assert dormant.uscc in client.get("/api/v1/at-risk").get_data(as_text=True)
    assert dormant.uscc in client.get(f"/api/v1/notices/{notice.id}").get_data(as_text=True)
    listed = client.get(f"/api/v1/inspections?uscc={code}").get_json()["items"]
    assert listed and listed[0]["conclusion"] == "basic_pass"  # the conclusion is public
