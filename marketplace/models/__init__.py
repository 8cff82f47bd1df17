"""All models, imported here so Alembic and the app see one complete metadata."""

from marketplace.models.access_log import AccessLogEntry, AccessPurpose, AccessSeen
from marketplace.models.base import Base
from marketplace.models.candidates import Candidate, CandidateIdentity, CandidateStatus
from marketplace.models.figures import (
    EVERYONE,
    FigureChange,
    FigureCompany,
    FigureMonth,
    FigureRefresh,
)
from marketplace.models.hours import (
    HourKind,
    HourRecord,
    HourReminder,
    HourRule,
    PaidMonth,
    WeekConfirmation,
    WeekFlag,
)
from marketplace.models.invitations import Invitation
from marketplace.models.jobs import (
    CATEGORY_BITS,
    Category,
    CloseReason,
    DanishLevel,
    Job,
    JobStatus,
    Weekday,
)
from marketplace.models.municipalities import Municipality
from marketplace.models.notifications import EmailPreference, EmailState, Notification
from marketplace.models.organisations import Company, Jobcentre, Organisation, OrgKind
from marketplace.models.placements import (
    PROPOSER,
    EndReason,
    LadderRules,
    Phase,
    Placement,
    PlacementReminder,
    PlacementStep,
    PlacementTerms,
    Purpose,
    Side,
    StepKind,
    StepStatus,
)
from marketplace.models.proposals import (
    Consent,
    ConsentMethod,
    DeclineReason,
    Proposal,
    ProposalStatus,
)
from marketplace.models.retention import (
    ErasureRecord,
    RetentionAction,
    RetentionKind,
    RetentionProgress,
    RetentionRule,
)
from marketplace.models.users import Role, User, UserSession
from marketplace.models.workplaces import Workplace

__all__ = [
    "CATEGORY_BITS",
    "EVERYONE",
    "PROPOSER",
    "AccessLogEntry",
    "AccessPurpose",
    "AccessSeen",
    "Base",
    "Candidate",
    "CandidateIdentity",
    "CandidateStatus",
    "Category",
    "CloseReason",
    "Company",
    "Consent",
    "ConsentMethod",
    "DanishLevel",
    "DeclineReason",
    "EmailPreference",
    "EmailState",
    "EndReason",
    "ErasureRecord",
    "FigureChange",
    "FigureCompany",
    "FigureMonth",
    "FigureRefresh",
    "HourKind",
    "HourRecord",
    "HourReminder",
    "HourRule",
    "Invitation",
    "Job",
    "JobStatus",
    "Jobcentre",
    "LadderRules",
    "Municipality",
    "Notification",
    "OrgKind",
    "Organisation",
    "PaidMonth",
    "Phase",
    "Placement",
    "PlacementReminder",
    "PlacementStep",
    "PlacementTerms",
    "Proposal",
    "ProposalStatus",
    "Purpose",
    "RetentionAction",
    "RetentionKind",
    "RetentionProgress",
    "RetentionRule",
    "Role",
    "Side",
    "StepKind",
    "StepStatus",
    "User",
    "UserSession",
    "WeekConfirmation",
    "WeekFlag",
    "Weekday",
    "Workplace",
]
