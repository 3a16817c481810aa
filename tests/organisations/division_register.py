"""A small register spread over divisions, for the statistics by division: organisations
whose registration authority and domicile lie in different divisions (even different
provinces), one domiciled at a province's own code, one in a county abolished since,
charities, charity trusts and a community filing. The expected figures are worked out by
hand beside each record, so that the tests compare with what they made."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from registry.clock import Clock
from registry.community.services import CommunityService, Filing
from registry.organisations.models import OrganisationKind
from registry.organisations.services import OrganisationService
from tests.charities.public_factories import charity, trust
from tests.inspections.factories import report
from tests.organisations.factories import foundation, registration

GROUP = OrganisationKind.SOCIAL_GROUP


def build_division_register(session: Session, clock: Clock) -> dict[str, Any]:
    """Eleven organisations (founded 2015, so obliged in 2024 and 2025 unless removed):

    key  kind        authority  domicile  notes
    a    group       320102     320102    report 2025, on time
    b    agency      320102     320104
    c    foundation  320000     320102    report 2025, late (foundations: 31 March)
    d    agency      370112     320508    Shandong's, domiciled in Suzhou; report 2025
    e    group       320100     370112    Nanjing's, domiciled in Jinan; report 2025
    f    agency      320000     320000    the province's own code; deregistered 2023
    g    group       110101     110101    Beijing, a municipality; report 2024, on time
    j    group       110101     110103    崇文区, abolished 2010
    h    agency      320102     320104    charity, public fundraising
    i    agency      370112     320102    charity of Shandong's, domiciled in Nanjing

    Trusts: 320102 (2025, 1000.50), 320000 (2024, 2000), 370112 (2025, 500).
    A community filing in 320102."""
    service = OrganisationService(session, clock)

    def register(request: Any) -> Any:
        return service.register(request)

    made = {
        "a": register(registration(kind=GROUP, name="南京市玄武区书法协会")),
        "b": register(registration(domicile_division_code="320104", name="南京市秦淮区养老中心")),
        "c": register(foundation(name="江苏省助学基金会")),
        "d": register(
            registration(
                authority_code="370112", domicile_division_code="320508", name="历城苏州联络中心"
            )
        ),
        "e": register(
            registration(
                kind=GROUP,
                authority_code="320100",
                domicile_division_code="370112",
                name="南京市在济南商会",
            )
        ),
        "f": register(
            registration(
                authority_code="320000", domicile_division_code="320000", name="江苏省评估中心"
            )
        ),
        "g": register(
            registration(
                kind=GROUP,
                authority_code="110101",
                domicile_division_code="110101",
                name="北京市东城区志愿者协会",
            )
        ),
        "j": register(
            registration(
                kind=GROUP,
                authority_code="110101",
                domicile_division_code="110103",
                name="北京市崇文门商会",
            )
        ),
    }
    service.deregister(made["f"].uscc, on=date(2023, 3, 1), reason="自行解散")
    made["h"] = charity(
        session,
        clock,
        public_fundraising=True,
        domicile_division_code="320104",
        name="南京市秦淮区慈善助学中心",
    )
    made["i"] = charity(
        session,
        clock,
        authority_code="370112",
        domicile_division_code="320102",
        name="历城区在宁慈善服务中心",
    )
    report(session, clock, made["a"], 2025, date(2026, 4, 20))
    report(session, clock, made["c"], 2025, date(2026, 4, 20))
    report(session, clock, made["d"], 2025, date(2026, 4, 20))
    report(session, clock, made["e"], 2025, date(2026, 4, 20))
    report(session, clock, made["g"], 2024, date(2025, 4, 20))
    trust(session, "320102", "玄武区助学信托", filed_on=date(2025, 3, 1), amount="1000.50")
    trust(session, "320000", "江苏省扶老信托", filed_on=date(2024, 6, 1), amount="2000")
    trust(session, "370112", "历城区济困信托", filed_on=date(2025, 5, 1), amount="500")
    CommunityService(session, clock).file(
        Filing(
            name="玄武门社区广场舞队",
            authority_code="320102",
            division_code="320102",
            person_in_charge="陈芳",
            domicile="玄武门街道百子亭社区",
            activity_scope="组织社区居民开展文体活动",
            filed_on=date(2024, 4, 10),
            street_office="玄武门街道办事处",
        )
    )
    session.commit()
    return made
