from __future__ import annotations

import json
from datetime import date

import pytest

from registry.community.services import CommunityService, Filing
from registry.organisations.models import OrganisationKind
from registry.organisations.services import OrganisationService
from tests.organisations.factories import foundation, registration


@pytest.fixture
def orgs(session, clock):
    service = OrganisationService(session, clock)
    made = [
        service.register(
            registration(name="南京市玄武区阳光养老服务中心", founded_on=date(2012, 4, 1))
        ),
        service.register(
            registration(
                name="南京市玄武区书法协会",
                kind=OrganisationKind.SOCIAL_GROUP,
                founded_on=date(2016, 5, 3),
            )
        ),
        service.register(foundation(name="江苏省教育发展基金会", founded_on=date(2018, 1, 9))),
        service.register(
            registration(
                name="北京市东城区志愿者协会",
                kind=OrganisationKind.SOCIAL_GROUP,
                authority_code="110101",
                domicile_division_code="110101",
                founded_on=date(2020, 7, 7),
            )
        ),
    ]
    service.record_change(
        made[0].uscc, {"legal_representative": "李华"}, effective_on=date(2015, 6, 1)
    )
    service.deregister(made[1].uscc, on=date(2023, 3, 1), reason="自行解散")
    session.commit()
    return made


def uscc_of(response) -> list[str]:
    return [item["uscc"] for item in response.get_json()["items"]]


def test_list_filters(client, orgs):
    everything = client.get("/api/v1/organisations")
    assert everything.status_code == 200
    assert sorted(uscc_of(everything)) == sorted(o.uscc for o in orgs)
    assert uscc_of(client.get("/api/v1/organisations?kind=foundation")) == [orgs[2].uscc]
    assert uscc_of(client.get("/api/v1/organisations?status=deregistered")) == [orgs[1].uscc]
    jiangsu = client.get("/api/v1/organisations?division=320000")
    assert sorted(uscc_of(jiangsu)) == sorted(o.uscc for o in orgs[:3])
    assert uscc_of(client.get("/api/v1/organisations?division=110101")) == [orgs[3].uscc]
    assert uscc_of(client.get("/api/v1/organisations?authority=320000")) == [orgs[2].uscc]
    ranged = client.get("/api/v1/organisations?founded_from=2016-01-01&founded_to=2019-12-31")
    assert sorted(uscc_of(ranged)) == sorted([orgs[1].uscc, orgs[2].uscc])


def test_keyset_pages_cover_everything_once_in_order(client, orgs):
    seen: list[str] = []
    url = "/api/v1/organisations?limit=1&sort=-founded_on"
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += uscc_of(response)
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        url = body["next"]
    assert seen == [o.uscc for o in sorted(orgs, key=lambda o: o.founded_on, reverse=True)]


def test_updated_since(client, orgs, clock, session):
    clock.advance(days=3)
    later = clock.now()
    OrganisationService(session, clock).record_change(
        orgs[3].uscc, {"domicile": "东城区某路2号"}, effective_on=date(2026, 6, 1)
    )
    session.commit()
    stamp = later.isoformat().replace("+00:00", "Z")
    assert uscc_of(client.get(f"/api/v1/organisations?updated_since={stamp}")) == [orgs[3].uscc]


def test_detail_and_chinese_unescaped(client, orgs):
    response = client.get(f"/api/v1/organisations/{orgs[0].uscc.lower()}")
    assert response.status_code == 200
    assert "南京市玄武区阳光养老服务中心".encode() in response.data  # not \\uXXXX
    body = response.get_json()
    assert body["legal_representative"] == "李华"
    assert body["registration_authority"] == "南京市玄武区民政局"
    assert body["as_of"] is None and body["version"] == 2


def test_as_of_matches_the_past(client, orgs):
    before = client.get(f"/api/v1/organisations/{orgs[0].uscc}?as_of=2014-12-31").get_json()
    assert before["legal_representative"] == "王明"
    assert before["as_of"] == "2014-12-31"
    assert before["version"] is None and before["updated_at"] is None
    after = client.get(f"/api/v1/organisations/{orgs[0].uscc}?as_of=2015-06-01").get_json()
    assert after["legal_representative"] == "李华"
    active = client.get(f"/api/v1/organisations/{orgs[1].uscc}?as_of=2023-02-28").get_json()
    gone = client.get(f"/api/v1/organisations/{orgs[1].uscc}?as_of=2023-03-01").get_json()
    assert (active["status"], gone["status"]) == ("active", "deregistered")
    assert gone["status_reason"] == "自行解散"
    unborn = client.get(f"/api/v1/organisations/{orgs[0].uscc}?as_of=2000-01-01")
    assert unborn.status_code == 404
    assert unborn.mimetype == "application/problem+json"


def test_change_history(client, orgs):
    body = client.get(f"/api/v1/organisations/{orgs[0].uscc}/changes").get_json()
    assert [(c["change_type"], c["field"]) for c in body["items"]] == [
        ("registration", "uscc"),
        ("change", "legal_representative"),
    ]
    assert body["items"][1]["old_value"] == "王明"
    paged = client.get(f"/api/v1/organisations/{orgs[1].uscc}/changes?limit=2").get_json()
    assert len(paged["items"]) == 2 and paged["next"]
    rest = client.get(paged["next"]).get_json()
    assert [c["field"] for c in rest["items"]] == ["status_date", "status_reason"]
    assert rest["next"] is None


def test_streams_csv_and_jsonl(client, orgs):
    csv = client.get("/api/v1/organisations?format=csv&division=320000")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffuscc,name,")
    assert len(text.strip().splitlines()) == 1 + 3
    lines = client.get("/api/v1/organisations?format=jsonl").get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    api = {r["uscc"]: r for r in client.get("/api/v1/organisations").get_json()["items"]}
    assert {r["uscc"]: r for r in records} == api


def test_community_divisions_authorities_uscc(client, orgs, session, clock):
    CommunityService(session, clock).file(
        Filing(
            name="百子亭社区合唱队",
            authority_code="320102",
            division_code="320102",
            person_in_charge="陈芳",
            domicile="百子亭社区",
            activity_scope="合唱",
            filed_on=date(2024, 4, 1),
        )
    )
    session.commit()
    filings = client.get("/api/v1/community-organisations?authority=320102").get_json()["items"]
    assert [f["name"] for f in filings] == ["百子亭社区合唱队"]
    one = client.get(f"/api/v1/community-organisations/{filings[0]['filing_number']}").get_json()
    assert one["filing_authority"] == "南京市玄武区民政局"
    xuanwu = client.get("/api/v1/divisions/320102").get_json()
    assert [d["name"] for d in xuanwu["path"]] == ["江苏省", "南京市", "玄武区"]
    provinces = client.get("/api/v1/divisions?parent=100000").get_json()["items"]
    assert len(provinces) == 34
    abolished = client.get("/api/v1/divisions/371200").get_json()
    assert abolished["abolished_on"] == "2019-01-09"
    under = client.get("/api/v1/authorities?parent=320100").get_json()["items"]
    assert "南京市玄武区民政局" in [a["name"] for a in under]
    check = client.get("/api/v1/uscc/51100000500002862J").get_json()
    assert check == {
        "code": "51100000500002862J",
        "valid": False,
        "errors": ["position 18 should be F, found J"],
        "warnings": [],
        "parts": None,
    }


def test_stats(client, orgs):
    stats = client.get("/api/v1/stats").get_json()
    assert stats["total"] == 4
    assert stats["by_kind"] == {"foundation": 1, "social_group": 2, "social_service_agency": 1}
    assert stats["by_status"] == {"active": 3, "deregistered": 1}
    provinces = {p["division_code"]: p["count"] for p in stats["by_province"]}
    assert provinces == {"110000": 1, "320000": 3}
    assert {y["year"]: y["count"] for y in stats["by_founding_year"]}[2018] == 1
