"""Each test's commits are rolled back: the next test starts from an empty register.

The two tests run in file order; the first commits, the second must not see it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from registry.organisations.models import ChangeRecord, Organisation
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration


def test_a_commit_inside_a_test(session, clock):
    OrganisationService(session, clock).register(registration(name="提交测试协会"))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_is_rolled_back_after_it(session):
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert session.scalar(select(func.count()).select_from(ChangeRecord)) == 0
