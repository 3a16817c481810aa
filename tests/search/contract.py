"""The search contract, one mixin that every backend's test class subclasses.

A subclass provides a `backend` fixture: an empty backend (SearchBackend) that its tests
may fill. Gaps are declared in `GAPS` with the reason, never hidden.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from search.backends.base import SearchBackend, SearchRequest
from search.document import build_document

# name, kind, status, division, authority, founded, legal representative, domicile, charity
CORPUS: list[tuple[str, str, str, str, str, str, str, str, bool]] = [
    (
        "连云港慈善总会",
        "social_group",
        "active",
        "320706",
        "320700",
        "2001-05-10",
        "王建国",
        "连云港市海州区朝阳路18号",
        True,
    ),
    (
        "慈善事业连云港促进会",
        "social_group",
        "active",
        "320706",
        "320700",
        "2010-03-01",
        "李芳",
        "连云港市海州区解放路2号",
        False,
    ),
    (
        "连云港市海州区养老服务中心",
        "social_service_agency",
        "active",
        "320706",
        "320706",
        "2015-08-20",
        "赵敏",
        "连云港市海州区新浦路9号",
        False,
    ),
    (
        "南京市玄武区慈心社会工作服务中心",
        "social_service_agency",
        "active",
        "320102",
        "320102",
        "2018-01-15",
        "陈刚",
        "南京市玄武区中山路1号",
        False,
    ),
    (
        "江苏省教育发展基金会",
        "foundation",
        "active",
        "320102",
        "320000",
        "2005-09-09",
        "周强",
        "南京市玄武区北京东路6号",
        True,
    ),
    (
        "南京市书法协会",
        "social_group",
        "deregistered",
        "320102",
        "320100",
        "1998-04-04",
        "孙丽",
        "南京市鼓楼区湖南路3号",
        False,
    ),
    (
        "南京市书法协会",
        "social_group",
        "active",
        "320104",
        "320100",
        "2021-06-06",
        "吴伟",
        "南京市秦淮区太平南路5号",
        False,
    ),
    (
        "北京市东城区志愿者协会",
        "social_group",
        "revoked",
        "110101",
        "110101",
        "2012-12-12",
        "郑洁",
        "北京市东城区东直门内大街7号",
        False,
    ),
]
# Twelve more names sharing a prefix, for autocomplete (南京市 + field + 协会).
FIELDS = [
    "足球",
    "篮球",
    "围棋",
    "摄影",
    "集邮",
    "钓鱼",
    "登山",
    "太极",
    "合唱",
    "舞蹈",
    "象棋",
    "游泳",
]
CORPUS += [
    (
        f"南京市{f}协会",
        "social_group",
        "active",
        "320105",
        "320100",
        f"20{10 + i}-02-0{1 + i % 9}",
        f"负责人{i}",
        f"南京市建邺区江东中路{i}号",
        False,
    )
    for i, f in enumerate(FIELDS)
]


def _uscc(index: int, kind: str, authority: str) -> str:
    from registry.organisations.uscc import generate

    return generate(authority, kind, 1000 + index)


def corpus_documents() -> list[dict[str, Any]]:
    documents = []
    for i, (
        name,
        kind,
        status,
        division,
        authority,
        founded,
        person,
        domicile,
        charity,
    ) in enumerate(CORPUS):
        record = {
            "uscc": _uscc(i, kind, authority),
            "name": name,
            "name_en": None,
            "kind": kind,
            "status": status,
            "domicile_division_code": division,
            "registration_authority_code": authority,
            "founded_on": founded,
            "legal_representative": person,
            "domicile": domicile,
            "is_charity": charity,
            "version": 1,
        }
        documents.append(build_document(record))
    return documents


def names(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.name for hit in result.hits]


class SearchContract:
    #: contract test name → why this backend cannot keep it (declared, not hidden)
    GAPS: ClassVar[dict[str, str]] = {}

    @pytest.fixture
    def loaded(self, backend: SearchBackend) -> SearchBackend:
        backend.upsert(corpus_documents())
        return backend

    @pytest.fixture(autouse=True)
    def _declared_gaps(self, request: pytest.FixtureRequest) -> None:
        reason = self.GAPS.get(request.node.originalname)
        if reason:
            pytest.xfail(reason)

    def search(self, backend: SearchBackend, **kwargs: Any):  # type: ignore[no-untyped-def]
        return backend.search(SearchRequest(**{"limit": 50, **kwargs}))

    # -- Chinese names -----------------------------------------------------------------

    def test_one_character(self, loaded):
        found = names(self.search(loaded, q="慈"))
        assert set(found) == {
            "连云港慈善总会",
            "慈善事业连云港促进会",
            "南京市玄武区慈心社会工作服务中心",
        }

    def test_two_characters(self, loaded):
        found = names(self.search(loaded, q="慈善"))
        assert set(found) == {"连云港慈善总会", "慈善事业连云港促进会"}

    def test_partial_name(self, loaded):
        assert names(self.search(loaded, q="海州区养老")) == ["连云港市海州区养老服务中心"]

    def test_words_in_another_order_rank_below_the_phrase(self, loaded):
        found = names(self.search(loaded, q="连云港慈善"))
        assert found[:2] == ["连云港慈善总会", "慈善事业连云港促进会"]
        reordered = names(self.search(loaded, q="慈善 连云港"))
        assert set(reordered[:2]) == {"连云港慈善总会", "慈善事业连云港促进会"}

    def test_traditional_characters_match_simplified(self, loaded):
        assert names(self.search(loaded, q="連雲港慈善總會"))[0] == "连云港慈善总会"

    def test_no_match_is_empty(self, loaded):
        result = self.search(loaded, q="量子计算")
        assert result.hits == [] and result.total == 0

    # -- pinyin, codes, people and places ----------------------------------------------

    def test_full_pinyin(self, loaded):
        assert "连云港慈善总会" in names(self.search(loaded, q="lianyungang cishan"))

    def test_pinyin_initials(self, loaded):
        assert names(self.search(loaded, q="lygcszh")) == ["连云港慈善总会"]

    def test_credit_code_goes_straight_to_the_organisation(self, loaded):
        document = corpus_documents()[4]
        result = self.search(loaded, q=document["uscc"].lower())
        assert result.exact and names(result) == ["江苏省教育发展基金会"]
        by_code = self.search(loaded, q=document["organisation_code"])
        assert by_code.exact and names(by_code) == ["江苏省教育发展基金会"]

    def test_legal_representative_and_domicile(self, loaded):
        assert names(self.search(loaded, q="王建国")) == ["连云港慈善总会"]
        assert names(self.search(loaded, q="解放路")) == ["慈善事业连云港促进会"]

    # -- filters and facets ------------------------------------------------------------

    def test_filters(self, loaded):
        assert set(names(self.search(loaded, q="协会", status="active", county="320104"))) == {
            "南京市书法协会"
        }
        assert names(self.search(loaded, kind="foundation")) == ["江苏省教育发展基金会"]
        assert len(self.search(loaded, province="320000").hits) == len(CORPUS) - 1
        assert len(self.search(loaded, prefecture="320700").hits) == 3
        assert set(names(self.search(loaded, charity=True))) == {
            "连云港慈善总会",
            "江苏省教育发展基金会",
        }
        assert names(self.search(loaded, authority="110101")) == ["北京市东城区志愿者协会"]
        years = names(self.search(loaded, founded_from_year=1998, founded_to_year=2002))
        assert set(years) == {"南京市书法协会", "连云港慈善总会"}

    def test_facet_counts(self, loaded):
        result = self.search(loaded, q="慈")
        assert result.total == 3
        assert dict(result.facets["kind"]) == {"social_group": 2, "social_service_agency": 1}
        assert dict(result.facets["prefecture"]) == {"320700": 2, "320100": 1}
        assert dict(result.facets["charity"]) == {True: 1, False: 2}
        everything = self.search(loaded)
        assert dict(everything.facets["status"]) == {"active": 18, "deregistered": 1, "revoked": 1}

    def test_only_the_facets_asked_for_are_counted(self, loaded):
        every = self.search(loaded, q="协会")
        for asked in [("kind",), ("prefecture", "charity"), ("authority", "status", "county")]:
            some = self.search(loaded, q="协会", facets=asked)
            assert set(some.facets) == set(asked)
            assert some.total == every.total
            for name in asked:
                assert sorted(some.facets[name]) == sorted(every.facets[name]), name
        assert self.search(loaded, q="协会", facets=False).facets == {}
        with pytest.raises(ValueError, match="unknown facets: colour"):
            self.search(loaded, q="协会", facets=("kind", "colour"))

    # -- ranking, sorting, highlights --------------------------------------------------

    def test_exact_name_first_and_active_before_removed(self, loaded):
        found = self.search(loaded, q="南京市书法协会").hits
        assert [(h.name, h.status) for h in found[:2]] == [
            ("南京市书法协会", "active"),
            ("南京市书法协会", "deregistered"),
        ]

    def test_sort_by_founding_date_and_name(self, loaded):
        oldest = self.search(loaded, q="协会", sort="founded_on").hits
        assert [h.founded_on for h in oldest] == sorted(h.founded_on for h in oldest)
        newest = self.search(loaded, q="协会", sort="-founded_on").hits
        assert [h.founded_on for h in newest] == sorted(
            (h.founded_on for h in newest), reverse=True
        )
        by_name = [h.name for h in self.search(loaded, q="协会", sort="name").hits]
        assert by_name == sorted(by_name)

    def test_highlight_marks_the_match(self, loaded):
        hit = self.search(loaded, q="慈善").hits[0]
        assert "<em>慈善</em>" in hit.highlight

    # -- autocomplete and paging -------------------------------------------------------

    def test_suggest_at_most_ten_distinct_names_for_a_prefix(self, loaded):
        suggestions = loaded.suggest("南京")
        assert len(suggestions) == 10 == len(set(suggestions))
        assert all(s.startswith("南京") for s in suggestions)
        assert loaded.suggest("南京市书法") == ["南京市书法协会"]  # two organisations, one name
        assert loaded.suggest("量子") == []

    @pytest.mark.parametrize("sort", ["relevance", "founded_on", "-founded_on", "name"])
    def test_keyset_pages_are_stable(self, loaded, sort):
        whole = [h.uscc for h in self.search(loaded, q="协会", sort=sort).hits]
        seen: list[str] = []
        after = None
        while True:
            page = self.search(loaded, q="协会", sort=sort, limit=4, after=after)
            seen += [h.uscc for h in page.hits]
            if page.after is None:
                break
            after = page.after
        assert seen == whole and len(whole) == 15

    # -- keeping the index -------------------------------------------------------------

    def test_upsert_is_idempotent_and_respects_versions(self, loaded):
        document = dict(corpus_documents()[0])
        newer = {**document, "name": "连云港市慈善总会", "version": 3}
        newer = build_document({**_record_of(newer)})
        loaded.upsert([newer])
        loaded.upsert([newer])
        assert names(self.search(loaded, q=newer["uscc"])) == ["连云港市慈善总会"]
        loaded.upsert([document])  # version 1 arrives late: ignored
        assert names(self.search(loaded, q=newer["uscc"])) == ["连云港市慈善总会"]
        assert loaded.count() == len(CORPUS)

    def test_delete_and_checksums(self, loaded):
        documents = corpus_documents()
        assert dict(loaded.checksums()) == {d["uscc"]: d["checksum"] for d in documents}
        loaded.delete([documents[0]["uscc"]])
        assert loaded.count() == len(CORPUS) - 1
        assert self.search(loaded, q=documents[0]["uscc"]).hits == []


def _record_of(document: dict[str, Any]) -> dict[str, Any]:
    """Back from a document to the record fields build_document reads."""
    return {
        "uscc": document["uscc"],
        "name": document["name"],
        "name_en": document["name_en"],
        "kind": document["kind"],
        "status": document["status"],
        "domicile_division_code": document["county_code"]
        or document["prefecture_code"]
        or document["province_code"],
        "registration_authority_code": document["authority_code"],
        "founded_on": document["founded_on"],
        "legal_representative": document["legal_representative"],
        "domicile": document["domicile"],
        "is_charity": document["is_charity"],
        "version": document["version"],
    }
