"""Every model, imported once so that the metadata (and Alembic) sees the whole schema."""

from registry.apikeys.models import ApiKey
from registry.authorities.models import RegistrationAuthority
from registry.community.models import CommunityOrganisation
from registry.divisions.models import AdministrativeDivision
from registry.feed.models import FeedEntry
from registry.organisations.models import ChangeRecord, Organisation
from search.models import SearchDocument
from search.outbox import RelayCursor

__all__ = [
    "AdministrativeDivision",
    "ApiKey",
    "ChangeRecord",
    "CommunityOrganisation",
    "FeedEntry",
    "Organisation",
    "RegistrationAuthority",
    "RelayCursor",
    "SearchDocument",
]
