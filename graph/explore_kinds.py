"""What exploring shows (issue 20): the node and edge kinds, each an allow-list of
fields of its type in the read map, and the Cypher that names any node by its ref.

A node is named by a ref, `Type:key`:

    type        key                    label shown
    Region      its code               name
    Household   its code               code
    Person      its ref (a UUID)       name (masked for roles without personal data)
    Official    its code               name
    Visit       its id                 date
    Measure     its id                 category
    Product     its code               name
    Cooperative its code               name
    Lot         its trace code         trace code
    TraceEvent  its id                 bizStep
    Payment     its id                 date (its amount, personal, masked)
    StatusChange its id                to
    Assessment  its id                 year (its perCapitaNet, personal, masked)
    Seller      its code               name (orders and buyers, keyed by seller and
                                       id, are read through the typed API)
    MonitoringRecord its id            group
    Feedback    its id                 category (its text and answer are not shown)

Support measures (MEASURE_FOR, DELIVERED, RECEIVED_BY) are followed only when
edgeTypes names them, so a neighbourhood by default is what it was before them. Income
records are not explored: they are nothing but personal figures (Household.incomes).
Status changes and exit assessments (STATUS_OF, DECIDED_BY, ASSESSES, VERIFIED) are
opt-in like measures, and so are monitoring and feedback (MONITORS, FEEDBACK_ON,
SUBMITTED). Findings of the file audit are not explored: an investigator
explores but may not read them.

A person's key is the random `ref` every person gets (graph/model.py), never the ID
number, which is personal. What a node or an edge shows is an allow-list of fields of
its type in the read map (`NODES`, `EDGES` below): the Cypher, kind and `Mask` of each
are the typed API's own (graph/household.py, graph/person.py, ...), so a role without
personal data sees the same masked values here as in `household { ... }`, and the raw
value never leaves Neo4j for it.

NodeType and EdgeType, the GraphQL enums, are graph/model.py's Label and Rel minus the
internal ones: no input ever becomes a label or a relationship type, and a label or
type added later must bring its allow-list here (checked when this module loads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import graph.assessment
import graph.cooperative
import graph.feedback
import graph.household
import graph.income  # Household's income fields
import graph.lot
import graph.measure
import graph.monitoring
import graph.official
import graph.payment
import graph.person
import graph.product
import graph.region
import graph.seller
import graph.status
import graph.trace_event
import graph.visit  # noqa: F401  (the read maps the allow-lists name)
from graph.cooperative import check_cooperative_code
from graph.errors import BadUserInput
from graph.measure import check_measure_id
from graph.model import Label, Rel
from graph.product import check_product_code
from graph.readmap import TYPES, Value, placeholders
from graph.seller import check_seller_code
from graph.trace_code import TraceKind, check_trace_code
from graph.validation import (
    check_household_code,
    check_official_code,
    check_person_ref,
    check_record_id,
    check_region_code,
    check_visit_id,
)


def trace_code_of(kind: TraceKind) -> Callable[[str, str], str]:
    def check(value: str, field: str) -> str:
        return check_trace_code(value, field, kind)

    return check


# Labels and relationship types that bookkeeping owns, never shown (some land later).
INTERNAL_LABELS = frozenset(
    {
        "ClientMutation",
        "SchemaVersion",
        "FupinTestDatabase",
        "Generated",
        "AuditRun",
        "AuditLock",
        "CrossCheckEntry",
        "CrossCheckImport",
        "ChangeRecord",
        # Reference data with no relationship: nothing to explore (povertyLines reads it).
        "PovertyLine",
        # Personal figures only, read through Household.incomes.
        "IncomeRecord",
        # Keyed by (seller, id), not by one property a ref could name: read through
        # order(sellerCode, orderId), buyer(id, sellerCode) and Lot.sales (issue 16).
        "Order",
        "Buyer",
        # A derived summary of orders (graph/sales_summary.py), read by salesImpact.
        "SalesDay",
        "HouseholdPayments",
        # Findings are for auditors and region officers, not for every explorer (an
        # investigator may not read them): never shown, never walked.
        "Finding",
    }
)
INTERNAL_RELS: frozenset[str] = frozenset(
    {"INCOME_OF", "CONCERNS", "SOLD", "BOUGHT_BY", "LINE", "FOR_ORDER"}
)
# Followed only when edgeTypes names them.
OPT_IN_RELS: frozenset[str] = frozenset(
    {
        "MEASURE_FOR",
        "DELIVERED",
        "RECEIVED_BY",
        "STATUS_OF",
        "DECIDED_BY",
        "ASSESSES",
        "VERIFIED",
        "MONITORS",
        "FEEDBACK_ON",
        "SUBMITTED",
    }
)


@dataclass(frozen=True)
class NodeKind:
    """A node type: the property its ref names (`key`), the read-map type whose fields
    it shows (`source`, read with the node as `var`), the field shown as its label, the
    allow-list of fields shown as its properties (`lists`: those holding lists), and
    the check a ref's key must pass."""

    label: Label
    key: str
    source: str
    var: str
    caption: str
    properties: tuple[str, ...]
    check: Callable[[str, str], str]
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeKind:
    """A relationship type and the fields of its read-map type (`source`, the
    relationship as `var`) shown as its properties."""

    rel: Rel
    source: str = ""
    var: str = ""
    properties: tuple[str, ...] = ()


NODES: dict[Label, NodeKind] = {
    kind.label: kind
    for kind in (
        NodeKind(
            Label.REGION, "code", "Region", "r", "name", ("code", "name", "level"),
            check_region_code,
        ),
        NodeKind(
            Label.HOUSEHOLD, "code", "Household", "h", "code",
            ("code", "villageCode", "status", "attribute", "mainCause", "secondaryCauses",
             "registrationYear", "standard", "monitored", "housingGrade", "housingArea",
             "safeWater", "electricity", "roadAccess", "sanitaryToilet", "cooperativeMember",
             "plannedExitYear", "address", "headPhone", "bankAccount", "debt", "memberCount",
             "responsibleOfficialCode", "lastVisitDate", "deregisteredOn",
             "deregistrationReason", "latestIncomeYear", "latestPerCapitaNet",
             "previousPerCapitaNet", "traceCode"),
            check_household_code, ("secondaryCauses",),
        ),
        NodeKind(
            Label.PERSON, "ref", "Person", "p", "name",
            ("idNumber", "name", "sex", "birthDate", "ethnicity", "education", "schooling",
             "health", "labourAbility", "workPlace", "workMonths", "medicalInsurance",
             "criticalIllnessInsurance", "pension", "diedOn", "phone"),
            check_person_ref,
        ),
        NodeKind(
            Label.OFFICIAL, "code", "Official", "o", "name",
            ("code", "name", "unit", "position", "phone", "idNumber", "maxLoad", "load"),
            check_official_code,
        ),
        NodeKind(
            Label.VISIT, "id", "Visit", "v", "date",
            ("id", "date", "purpose", "notes", "latitude", "longitude"),
            check_visit_id,
        ),
        NodeKind(
            Label.MEASURE, "id", "Measure", "m", "category",
            ("id", "category", "date", "amount", "quantity", "unit", "description", "agency",
             "termMonths", "notes", "voidedOn", "voidReason"),
            check_measure_id,
        ),
        NodeKind(
            Label.STATUS_CHANGE, "id", "StatusChange", "s", "to",
            ("id", "from", "to", "on", "reason", "cause"), check_record_id,
        ),
        NodeKind(
            Label.ASSESSMENT, "id", "Assessment", "a", "year",
            ("id", "year", "date", "passed", "threshold", "perCapitaNet", "householdSize"),
            check_record_id,
        ),
        NodeKind(
            Label.PRODUCT, "code", "Product", "p", "name", ("code", "name", "category", "unit"),
            check_product_code,
        ),
        NodeKind(
            Label.COOPERATIVE, "code", "Cooperative", "c", "name",
            ("code", "name", "traceCode", "villageCode"), check_cooperative_code,
        ),
        NodeKind(
            Label.LOT, "traceCode", "Lot", "l", "traceCode",
            ("traceCode", "quantity", "remaining", "unit", "producedOn", "villageCode"),
            trace_code_of(TraceKind.LOT),
        ),
        NodeKind(
            Label.TRACE_EVENT, "id", "TraceEvent", "e", "bizStep",
            ("id", "eventType", "bizStep", "kind", "eventTime", "readPoint", "bizTransaction"),
            check_record_id,
        ),
        NodeKind(
            Label.PAYMENT, "id", "Payment", "p", "date",
            ("id", "amount", "date", "source", "voidedOn"), check_record_id,
        ),
        NodeKind(
            Label.SELLER, "code", "Seller", "s", "name", ("code", "name", "kind", "regionCode"),
            check_seller_code,
        ),
        NodeKind(
            Label.MONITORING_RECORD, "id", "MonitoringRecord", "r", "group",
            ("id", "group", "riskTypes", "startedOn", "removedOn", "removalReason"),
            check_record_id, ("riskTypes",),
        ),
        NodeKind(
            Label.FEEDBACK, "id", "Feedback", "f", "category",
            ("id", "source", "category", "score", "status", "submittedOn", "answeredOn",
             "closedOn"),
            check_record_id,
        ),
    )
}  # fmt: skip

EDGES: dict[Rel, EdgeKind] = {
    kind.rel: kind
    for kind in (
        EdgeKind(Rel.PART_OF),
        EdgeKind(Rel.IN_VILLAGE),
        EdgeKind(
            Rel.MEMBER_OF, "HouseholdMember", "m", ("relation", "since", "until", "endReason")
        ),
        EdgeKind(Rel.PAIRED_WITH, "Pairing", "r", ("id", "role", "since", "until")),
        EdgeKind(Rel.MADE_VISIT),
        EdgeKind(Rel.VISIT_TO),
        EdgeKind(Rel.MEASURE_FOR),
        EdgeKind(Rel.DELIVERED),
        EdgeKind(Rel.RECEIVED_BY),
        EdgeKind(Rel.STATUS_OF),
        EdgeKind(Rel.DECIDED_BY),
        EdgeKind(Rel.ASSESSES),
        EdgeKind(Rel.VERIFIED),
        EdgeKind(Rel.LOCATED_IN),
        EdgeKind(Rel.COOPERATIVE_MEMBER, "CooperativeMembership", "m", ("since", "until")),
        EdgeKind(Rel.OF_PRODUCT),
        EdgeKind(Rel.PRODUCED),
        EdgeKind(Rel.OWNS),
        EdgeKind(Rel.INPUT, "TraceQuantity", "r", ("quantity",)),
        EdgeKind(Rel.OUTPUT, "TraceQuantity", "r", ("quantity",)),
        EdgeKind(Rel.PAID_TO),
        EdgeKind(Rel.PAID_FOR),
        EdgeKind(Rel.MONITORS),
        EdgeKind(Rel.FEEDBACK_ON),
        EdgeKind(Rel.SUBMITTED),
    )
}

NodeType = StrEnum(  # type: ignore[misc]
    "NodeType", [(label.name, label.name) for label in Label if label not in INTERNAL_LABELS]
)
EdgeType = StrEnum(  # type: ignore[misc]
    "EdgeType", [(rel.name, rel.value) for rel in Rel if rel not in INTERNAL_RELS]
)
NodeType.__doc__ = "The kinds of node exploring shows (graph/model.py's labels)."
EdgeType.__doc__ = "The kinds of relationship exploring follows (graph/model.py's types)."


def _allow_list_problems() -> list[str]:
    """What is wrong with the allow-lists: a shown label or type without one, or a
    field that is not a plain value of the node (or relationship) alone."""
    labels = [Label[n.name] for n in NodeType]
    problems = [f"label {label} has no NodeKind" for label in labels if label not in NODES]
    problems += [f"type {e.value} has no EdgeKind" for e in EdgeType if Rel(e.value) not in EDGES]
    kinds: list[tuple[str, str, Iterable[str]]] = [
        (k.source, k.var, (k.caption, *k.properties)) for k in NODES.values()
    ]
    kinds += [(k.source, k.var, k.properties) for k in EDGES.values() if k.source]
    for source, var, names in kinds:
        for name in names:
            entry = TYPES[source].fields.get(name)
            if not isinstance(entry, Value) or placeholders(entry.cypher) != {var}:
                problems.append(f"{source}.{name} is not a value of {{{var}}} alone")
    return problems


_PROBLEMS = _allow_list_problems()
if _PROBLEMS:
    raise RuntimeError("; ".join(_PROBLEMS))

BY_NAME: dict[str, NodeKind] = {kind.label.value: kind for kind in NODES.values()}


def parse_ref(value: str, field: str) -> tuple[NodeKind, str]:
    """The node kind and the checked key of a ref `Type:key`; BAD_USER_INPUT (on
    `field`) when malformed. The message never repeats the value."""
    name, colon, key = str(value).strip().partition(":")
    kind = BY_NAME.get(name)
    if not colon or kind is None:
        types = ", ".join(BY_NAME)
        raise BadUserInput(f"a ref is Type:key, Type one of {types}", field=field)
    return kind, kind.check(key, field)


# --- Cypher of a node, whatever its kind ---------------------------------------------


def cases(n: str, then: Callable[[NodeKind], str], otherwise: str = "null") -> str:
    """A CASE over the node kinds of node expression `n`."""
    whens = " ".join(f"WHEN {n}:{kind.label} THEN {then(kind)}" for kind in NODES.values())
    return f"CASE {whens} ELSE {otherwise} END"


def type_of(n: str) -> str:
    return cases(n, lambda kind: f"'{kind.label.name}'")


def key_of(n: str) -> str:
    return cases(n, lambda kind: f"{n}.{kind.key}")


def shown(n: str) -> str:
    """Node `n` is of a kind exploring shows, and has its key."""
    return f"{key_of(n)} IS NOT NULL"


def ref_of(n: str) -> str:
    return cases(n, lambda kind: f"'{kind.label}:' + {n}.{kind.key}")
