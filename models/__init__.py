"""The store: typed SQLAlchemy 2 models, one module per aggregate; engine and sessions in db."""

from models.base import Base
from models.courtyard import Courtyard, GovernanceKind, GroupChat, GroupKind
from models.event import Event
from models.fee import (
    AdjustmentKind,
    BillLine,
    FeeAdjustment,
    FeeItem,
    FeePlan,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReversal,
    ReceiptCounter,
    Rounding,
)
from models.fee_claim import ClaimStatus, PaymentClaim, PaymentInstructions
from models.household import Household
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Membership, MembershipStatus, Relation, RoleAssignment, User
from models.ticket import (
    ALL_CATEGORIES,
    OPEN_STATUSES,
    WORKING_STATUSES,
    Location,
    MediaKind,
    MediaStage,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketDeadline,
    TicketMedia,
    TicketStatus,
    Urgency,
)
from models.update import ProcessedUpdate
from models.visit import FINAL_OUTCOMES, VisitOutcome, VisitTask

__all__ = [
    "ALL_CATEGORIES",
    "FINAL_OUTCOMES",
    "OPEN_STATUSES",
    "WORKING_STATUSES",
    "AdjustmentKind",
    "Base",
    "BillLine",
    "ClaimStatus",
    "Courtyard",
    "Event",
    "FeeAdjustment",
    "FeeItem",
    "FeePlan",
    "GovernanceKind",
    "GroupChat",
    "GroupKind",
    "Household",
    "Location",
    "MediaKind",
    "MediaStage",
    "Membership",
    "MembershipStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Payment",
    "PaymentAllocation",
    "PaymentClaim",
    "PaymentInstructions",
    "PaymentMethod",
    "PaymentReversal",
    "ProcessedUpdate",
    "ReceiptCounter",
    "Relation",
    "RoleAssignment",
    "Rounding",
    "Ticket",
    "TicketCategory",
    "TicketCounter",
    "TicketDeadline",
    "TicketMedia",
    "TicketStatus",
    "Urgency",
    "User",
    "VisitOutcome",
    "VisitTask",
]
