"""The officers and the service the charities' tests act with."""

from __future__ import annotations

import pytest

from registry.charities.services import CharityService
from tests.accounts.factories import actor, officer


@pytest.fixture
def clerk(session):
    return actor(officer(session, "clerk", "320102"))


@pytest.fixture
def reviewer(session):
    return actor(officer(session, "reviewer", "320102"))


@pytest.fixture
def head(session):
    return actor(officer(session, "head", "320102"))


@pytest.fixture
def service(session, clock):
    return CharityService(session, clock)
