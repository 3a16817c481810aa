"""The services of the current app, built on the request's session and the app's clock."""

from __future__ import annotations

from flask import current_app

from registry.authorities.services import AuthorityService
from registry.clock import Clock
from registry.community.services import CommunityService
from registry.config import Settings
from registry.divisions.services import DivisionService
from registry.extensions import db
from registry.organisations.services import OrganisationService


def settings() -> Settings:
    return current_app.extensions["registry.settings"]


def clock() -> Clock:
    return current_app.extensions["registry.clock"]


def organisations() -> OrganisationService:
    return OrganisationService(db.session, clock())


def community() -> CommunityService:
    return CommunityService(db.session, clock())


def divisions() -> DivisionService:
    return DivisionService(db.session)


def authorities() -> AuthorityService:
    return AuthorityService(db.session)
