"""The public datasets of the bulk files: what each holds, described once, read in one query.

Each dataset is a query whose columns are labelled with its public field names, in field
order, so that the CSV, JSON Lines and Parquet files, the API and the pages share one name
per field. A later domain adds its dataset with `register(Dataset(...))`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, select, type_coerce
from sqlalchemy.orm import aliased

from registry.authorities.models import RegistrationAuthority
from registry.community.models import CommunityOrganisation
from registry.community.public import COMMUNITY_FIELDS
from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.organisations.models import ChangeRecord, Organisation
from registry.organisations.public import CHANGE_FIELDS, ORGANISATION_FIELDS
from registry.public import FORBIDDEN, FieldSpec, labelled

F = FieldSpec

#: the same names and values as /api/v1/divisions
DIVISION_FIELDS: tuple[FieldSpec, ...] = (
    F("code", "string", "GB/T 2260 code", "行政区划代码"),
    F("name", "string", "Name", "名称"),
    F("level", "string", "national, province, prefecture or county", "级别：国家、省、地、县"),
    F("parent_code", "string", "Code of the division above it", "上级行政区划代码", nullable=True),
    F(
        "abolished_on",
        "date",
        "Day the division was abolished; empty when current",
        "撤销日期",
        nullable=True,
    ),
    F(
        "successor_code",
        "string",
        "Where an abolished division's territory went, when one successor is known",
        "继承行政区划代码",
        nullable=True,
    ),
)

#: the same names and values as /api/v1/authorities
AUTHORITY_FIELDS: tuple[FieldSpec, ...] = (
    F("code", "string", "Division code of its territory; 100000 the ministry", "登记管理机关代码"),
    F("name", "string", "Name", "名称"),
    F("level", "string", "national, province, prefecture or county", "级别：国家、省、地、县"),
    F("division_code", "string", "GB/T 2260 code of its division", "所在行政区划代码"),
    F("parent_code", "string", "The authority above it", "上级登记管理机关代码", nullable=True),
    F(
        "registers_foundations",
        "boolean",
        "Only the ministry and provinces register foundations",
        "是否可登记基金会",
    ),
)


#: what the manifest and the catalogue say of every dataset: its licence (an SPDX id,
#: EXPORT_LICENCE chooses) and its publisher
DEFAULT_LICENCE = "CC-BY-4.0"
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
PUBLISHER = {
    "name": "Registration authorities of social organisations (civil affairs departments)",
    "name_zh": "社会组织登记管理机关（民政部门）",
}


def licence_info(identifier: str) -> dict[str, str]:
    """An SPDX licence id with its name and deed; unknown ids point at the SPDX list."""
    name, url = LICENCES.get(identifier, (identifier, f"https://spdx.org/licenses/{identifier}"))
    return {"id": identifier, "name": name, "url": url}


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    title_zh: str
    description: str
    fields: tuple[FieldSpec, ...]
    #: the rows: one column per field, labelled with its name, in a stable order
    query: Callable[[], Select[Any]]
    #: the live API serving the same records, for the catalogue
    api_path: str | None = None

    def describe(self, **more: Any) -> dict[str, Any]:
        """As the manifest lists it, with `more` (rows, files …) before its schema."""
        return {
            "dataset": self.name,
            "title": self.title,
            "title_zh": self.title_zh,
            "description": self.description,
            **more,
            "schema": [spec.as_dict() for spec in self.fields],
        }


#: every public dataset, by name, in the order the manifest and the catalogue list them
DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Add a dataset, refusing one that would publish a private field or misname a column."""
    private = [spec.name for spec in dataset.fields if FORBIDDEN.search(spec.name)]
    if private:
        raise ValueError(f"{dataset.name}: private fields may not be published: {private}")
    columns = [column.name for column in dataset.query().selected_columns]
    names = [spec.name for spec in dataset.fields]
    if columns != names:
        raise ValueError(f"{dataset.name}: the query's columns {columns} are not its fields")
    DATASETS[dataset.name] = dataset
    return dataset


def _organisations() -> Select[Any]:
    org, authority = Organisation.__table__, RegistrationAuthority.__table__
    columns: dict[str, ColumnElement[Any]] = {
        **org.c,
        "registration_authority_code": authority.c.code,
        "registration_authority": authority.c.name,
    }
    # Registration order: the cheapest stable order on both databases.
    return (
        select(*labelled(ORGANISATION_FIELDS, columns))
        .join_from(org, authority, org.c.authority_id == authority.c.id)
        .order_by(org.c.id)
    )


def _organisation_changes() -> Select[Any]:
    change, org = ChangeRecord.__table__, Organisation.__table__
    authority = RegistrationAuthority.__table__
    columns: dict[str, ColumnElement[Any]] = {
        **change.c,
        "uscc": org.c.uscc,
        "approved_by": authority.c.code,
    }
    return (
        select(*labelled(CHANGE_FIELDS, columns))
        .join_from(change, org, change.c.organisation_id == org.c.id)
        .join(authority, change.c.approved_by_id == authority.c.id)
        .order_by(change.c.id)
    )


def _community_organisations() -> Select[Any]:
    filing, authority = CommunityOrganisation.__table__, RegistrationAuthority.__table__
    columns: dict[str, ColumnElement[Any]] = {
        **filing.c,
        "filing_authority_code": authority.c.code,
        "filing_authority": authority.c.name,
    }
    return (
        select(*labelled(COMMUNITY_FIELDS, columns))
        .join_from(filing, authority, filing.c.authority_id == authority.c.id)
        .order_by(filing.c.id)
    )


def _divisions() -> Select[Any]:
    division = AdministrativeDivision.__table__
    return select(*labelled(DIVISION_FIELDS, division.c)).order_by(division.c.code)


def _authorities() -> Select[Any]:
    authority, above = RegistrationAuthority, aliased(RegistrationAuthority)
    # As RegistrationAuthority.may_register_foundations decides it.
    foundations = type_coerce(authority.level, String).in_(
        [DivisionLevel.NATIONAL.value, DivisionLevel.PROVINCE.value]
    )
    columns: dict[str, ColumnElement[Any]] = {
        "code": authority.code,
        "name": authority.name,
        "level": authority.level,
        "division_code": authority.division_code,
        "parent_code": above.code,
        "registers_foundations": foundations,
    }
    return (
        select(*labelled(AUTHORITY_FIELDS, columns))
        .outerjoin(above, authority.parent_id == above.id)
        .order_by(authority.code)
    )


register(
    Dataset(
        "organisations",
        "Registered social organisations",
        "社会组织登记信息",
        "Every social group, social service agency and foundation on the register, "
        "with its status; deregistered and revoked organisations stay, with date and reason.",
        ORGANISATION_FIELDS,
        _organisations,
        "/api/v1/organisations",
    )
)
register(
    Dataset(
        "organisation-changes",
        "Changes of registration",
        "社会组织变更登记记录",
        "Every registration, change of a registered field and status change, with its date, "
        "approving authority and basis.",
        CHANGE_FIELDS,
        _organisation_changes,
    )
)
register(
    Dataset(
        "community-organisations",
        "Community social organisation filings",
        "社区社会组织备案信息",
        "Community organisations filed with a county civil-affairs department or a street "
        "office, withdrawn filings included.",
        COMMUNITY_FIELDS,
        _community_organisations,
        "/api/v1/community-organisations",
    )
)
register(
    Dataset(
        "divisions",
        "Administrative divisions (GB/T 2260)",
        "行政区划代码",
        "The division tree used by the register, abolished codes kept with their end date.",
        DIVISION_FIELDS,
        _divisions,
        "/api/v1/divisions",
    )
)
register(
    Dataset(
        "authorities",
        "Registration authorities",
        "登记管理机关",
        "The ministry and the civil-affairs departments that register social organisations.",
        AUTHORITY_FIELDS,
        _authorities,
        "/api/v1/authorities",
    )
)

# The officers' domains add their public datasets (they import this module's register).
import registry.charities.datasets  # noqa: E402
import registry.credit.datasets  # noqa: E402
import registry.deregistration.datasets  # noqa: E402
import registry.inspections.datasets  # noqa: E402, F401
