"""Unbound extensions; create_app binds them."""

from flask_caching import Cache
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names keep Alembic migrations portable between SQLite and
# PostgreSQL (SQLite's batch mode needs named constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
#: computed figures worth keeping a while (registry.statistics): Redis when REDIS_URL is
#: set, so that every worker shares them, else each process's memory
cache = Cache()


def enum_values(enum_cls: type) -> list[str]:
    """Store enums by their value ('social_group'), not their Python name."""
    return [member.value for member in enum_cls]
