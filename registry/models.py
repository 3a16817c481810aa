"""Every model, imported once so that the metadata (and Alembic) sees the whole schema."""

from registry.accounts.models import ApiToken, Officer
from registry.apikeys.models import ApiKey
from registry.audit.models import AuditEvent
from registry.authorities.models import RegistrationAuthority
from registry.charities.models import (
    Charity,
    CharityApplication,
    CharityLoss,
    CharityTrust,
    FundraisingPlan,
    FundraisingQualification,
    TrustField,
    TrustFiling,
    TrustParty,
    TrustReport,
)
from registry.community.models import CommunityOrganisation
from registry.credit.models import ContactAttempt, CreditListEntry, Penalty
from registry.deregistration.models import (
    CaseStep,
    DeregistrationDecision,
    DormantCandidate,
    DormantCase,
    NoticeListing,
    PublicNotice,
)
from registry.divisions.models import AdministrativeDivision
from registry.feed.models import FeedEntry
from registry.inspections.models import AnnualReport
from registry.organisations.models import ChangeRecord, Organisation, PendingPublication
from registry.ratings.models import Rating
from search.models import SearchDocument
from search.outbox import RelayCursor

__all__ = [
    "AdministrativeDivision",
    "AnnualReport",
    "ApiKey",
    "ApiToken",
    "AuditEvent",
    "CaseStep",
    "ChangeRecord",
    "Charity",
    "CharityApplication",
    "CharityLoss",
    "CharityTrust",
    "CommunityOrganisation",
    "ContactAttempt",
    "CreditListEntry",
    "DeregistrationDecision",
    "DormantCandidate",
    "DormantCase",
    "FeedEntry",
    "FundraisingPlan",
    "FundraisingQualification",
    "NoticeListing",
    "Officer",
    "Organisation",
    "Penalty",
    "PendingPublication",
    "PublicNotice",
    "Rating",
    "RegistrationAuthority",
    "RelayCursor",
    "SearchDocument",
    "TrustField",
    "TrustFiling",
    "TrustParty",
    "TrustReport",
]
