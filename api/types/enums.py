"""Every enum of the schema, registered once (the enums themselves live in graph/,
beside the rules that use them). Type modules import this module first, so an enum is
never converted twice."""

from __future__ import annotations

import strawberry

from graph.assessment import ExitCheckKind
from graph.audit import AuditRule, Severity
from graph.audit_run import AuditRunStatus
from graph.crosscheck import CrossCheckList
from graph.explore_kinds import EdgeType, NodeType
from graph.feedback import FeedbackCategory, FeedbackSource, FeedbackStatus
from graph.finding import FindingStatus
from graph.household import (
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdOrder,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    PovertyCause,
)
from graph.lot import PartyKind
from graph.measure import MeasureCategory
from graph.model import RegionLevel
from graph.monitoring import MonitoringGroup, RemovalReason, RiskType
from graph.official import PairingRole
from graph.order import OrderStatus
from graph.payment import PaymentSource
from graph.person import (
    Education,
    Health,
    LabourAbility,
    MembershipEndReason,
    Relation,
    Schooling,
    Sex,
)
from graph.product import ProductCategory, QuantityUnit
from graph.seller import Channel, SellerKind
from graph.status import StatusReason
from graph.sync import SyncOutcome, SyncState
from graph.trace_code import TraceKind
from graph.trace_event import EventType, TransformationKind

strawberry.enum(
    HouseholdStatus,
    description="REGISTERED: in poverty; EXITED: left through an exit assessment; "
    "RETURNED: fell back into poverty; DEREGISTERED: the file was closed without an exit "
    "(deregisterHousehold): lists leave it out unless asked for it, counts never count it; "
    "BORDERLINE: not poor, watched (returnToPoverty makes it REGISTERED; never assessed for "
    "exit, and out of coverage's default statuses).",
)
strawberry.enum(HouseholdAttribute, description="The household's category of poverty.")
strawberry.enum(PovertyCause)
strawberry.enum(IdentificationStandard, description="Which poverty line identified it.")
strawberry.enum(HousingGrade, description="Housing safety grade; C and D are dilapidated.")
strawberry.enum(DeregistrationReason, description="Why a file was closed without an exit.")
strawberry.enum(
    HouseholdOrder,
    description="Orders of the households list (ties broken by code); never a personal field.",
)
strawberry.enum(PairingRole, description="An official's part in a household's pairing.")
strawberry.enum(Sex)
strawberry.enum(Relation, description="Relation to the head of the household.")
strawberry.enum(Education, description="Highest level of education reached.")
strawberry.enum(Schooling, description="Current schooling.")
strawberry.enum(Health)
strawberry.enum(LabourAbility)
strawberry.enum(MembershipEndReason, description="Why a membership ended.")
strawberry.enum(
    MeasureCategory,
    description="Support measures (DOMAIN.md section 5): SUPPLIES are goods handed out; "
    "MICROCREDIT a poverty microloan (up to 50,000 yuan, 1-36 months).",
)
strawberry.enum(RegionLevel, description="Level in the administrative tree.")
strawberry.enum(
    NodeType,
    description="The kinds of node exploring shows: graph/model.py's labels, internal ones "
    "left out.",
)
strawberry.enum(
    EdgeType,
    description="The kinds of relationship exploring follows: graph/model.py's types.",
)
strawberry.enum(ProductCategory, description="What kind of produce a product is.")
strawberry.enum(QuantityUnit, description="The unit a product's lots are counted in.")
strawberry.enum(TraceKind, description="What a trace code names (its kind letter: L, C, H).")
strawberry.enum(PartyKind, description="Who produces or owns a lot.")
strawberry.enum(EventType, description="An EPCIS event's type.")
strawberry.enum(
    TransformationKind,
    description="How lots become others: BLENDING and PROCESSING (EPCIS bizStep "
    "transforming), PACKING (bizStep packing).",
)
strawberry.enum(
    PaymentSource,
    description="Why a payment was made: ACCEPTANCE, a cooperative took the lot; SALE, "
    "an order line.",
)
strawberry.enum(AuditRule, description="The file audit's rules (auditRules describes each).")
strawberry.enum(Severity, description="How serious a finding is.")
strawberry.enum(
    FindingStatus,
    description="OPEN until an auditor confirms or dismisses it (with a note); reopened, "
    "OPEN again.",
)
strawberry.enum(
    AuditRunStatus,
    description="RUNNING while the rules are worked through; DONE, or FAILED (error says why).",
)
strawberry.enum(CrossCheckList, description="Registries whose ID numbers the audit checks.")
strawberry.enum(
    SyncOutcome,
    description="What became of a field record: STORED now; DUPLICATE, stored before "
    "(nothing written); REJECTED, not stored (code, field and message say why).",
)
strawberry.enum(
    SyncState,
    description="STORED: the caller's record with this clientId is stored; UNKNOWN: no "
    "record of the caller's has it (never sent, rejected, or another caller's).",
)
strawberry.enum(
    ExitCheckKind,
    description="The checks of an exit assessment: income above the line, the two "
    "no-worries (FOOD, CLOTHING), the three guarantees (COMPULSORY_EDUCATION, "
    "MEDICAL_INSURANCE, SAFE_HOUSING), SAFE_WATER and the village's confirmation.",
)
strawberry.enum(
    StatusReason,
    description="Why a household's status changed: REGISTERED (its file was opened), "
    "BACKFILLED (files older than the history: 1 January of the registration year), "
    "EXIT_ASSESSMENT (a passed assessment), RETURN_TO_POVERTY, DEREGISTERED.",
)
strawberry.enum(SellerKind, description="What kind of seller sells the produce.")
strawberry.enum(Channel, description="Where an order was placed.")
strawberry.enum(OrderStatus, description="PLACED, or CANCELLED within 30 days.")
strawberry.enum(
    MonitoringGroup,
    description="Who is monitored: UNSTABLE_EXITED (an EXITED household at risk), BORDERLINE "
    "(a BORDERLINE household), SUDDEN_HARDSHIP (hit by a sudden severe hardship).",
)
strawberry.enum(RiskType, description="What puts a monitored household at risk.")
strawberry.enum(
    RemovalReason,
    description="Why monitoring ended: RISK_REMOVED (endMonitoring), RETURNED_TO_POVERTY "
    "(returnToPoverty), DEREGISTERED (deregisterHousehold).",
)
strawberry.enum(FeedbackSource, description="Who gave the feedback.")
strawberry.enum(FeedbackCategory, description="What kind of feedback it is.")
strawberry.enum(FeedbackStatus, description="OPEN, then ANSWERED, then CLOSED.")
