from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db, enum_values


class DivisionLevel(enum.StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class AdministrativeDivision(db.Model):
    """A division of the GB/T 2260 tree.

    Abolished codes stay, with the day they ended, because a credit code keeps the
    division it was issued under for life.
    """

    __tablename__ = "administrative_division"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[DivisionLevel] = mapped_column(
        Enum(DivisionLevel, native_enum=False, length=16, values_callable=enum_values)
    )
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("administrative_division.code"), index=True
    )
    abolished_on: Mapped[date | None] = mapped_column(Date)
    #: where an abolished division's territory went, when one successor is known
    successor_code: Mapped[str | None] = mapped_column(String(6))

    parent: Mapped[AdministrativeDivision | None] = relationship(remote_side=[code])

    @property
    def is_current(self) -> bool:
        return self.abolished_on is None

    def __repr__(self) -> str:
        return f"<AdministrativeDivision {self.code} {self.name}>"
