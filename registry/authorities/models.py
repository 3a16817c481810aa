from __future__ import annotations

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.extensions import db, enum_values


class RegistrationAuthority(db.Model):
    """民政部, 省民政厅, 市民政局, 县/区民政局: one per division that registers."""

    __tablename__ = "registration_authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the six-digit division code of its territory; "100000" for the ministry
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[DivisionLevel] = mapped_column(
        Enum(DivisionLevel, native_enum=False, length=16, values_callable=enum_values)
    )
    division_code: Mapped[str] = mapped_column(ForeignKey("administrative_division.code"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration_authority.id"), index=True
    )

    division: Mapped[AdministrativeDivision] = relationship(lazy="joined")
    parent: Mapped[RegistrationAuthority | None] = relationship(remote_side=[id])

    @property
    def may_register_foundations(self) -> bool:
        # 基金会管理条例: only the ministry or a province registers foundations.
        return self.level in (DivisionLevel.NATIONAL, DivisionLevel.PROVINCE)

    def __repr__(self) -> str:
        return f"<RegistrationAuthority {self.code} {self.name}>"
