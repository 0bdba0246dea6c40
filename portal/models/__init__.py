"""The portal's own models: accounts, units and the organisations that review them (``accounts``), and the
credit records against units (``credit``)."""

from .accounts import (
    SECOND_FACTOR_ROLES,
    AppendOnlyModel,
    Authority,
    District,
    Division,
    PortalUserManager,
    Role,
    Unit,
    UnitType,
    User,
)
from .credit import CreditCodeCorrection, CreditRecord, CreditRecordChange, add_years

__all__ = [
    "SECOND_FACTOR_ROLES",
    "AppendOnlyModel",
    "Authority",
    "CreditCodeCorrection",
    "CreditRecord",
    "CreditRecordChange",
    "District",
    "Division",
    "PortalUserManager",
    "Role",
    "Unit",
    "UnitType",
    "User",
    "add_years",
]
