"""All models, imported here so Alembic and the app see one complete metadata."""

from marketplace.models.base import Base
from marketplace.models.invitations import Invitation
from marketplace.models.municipalities import Municipality
from marketplace.models.notifications import EmailPreference, EmailState, Notification
from marketplace.models.organisations import Company, Jobcentre, Organisation, OrgKind
from marketplace.models.users import Role, User, UserSession

__all__ = [
    "Base",
    "Company",
    "EmailPreference",
    "EmailState",
    "Invitation",
    "Jobcentre",
    "Municipality",
    "Notification",
    "OrgKind",
    "Organisation",
    "Role",
    "User",
    "UserSession",
]
