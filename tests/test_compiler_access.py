"""Access in the compiled Cypher, without a database: the caller's scope inside every
subquery that reaches a scoped record, and personal fields never projected raw for
the views that see them masked (graph/scope.py, graph/readmap.py's Mask)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from plans import (
    PRINCIPALS,
    Compiled,
    compile_entity,
    compile_one,
    full_docs,
    full_selection,
    hidden_on_the_way,
    object_type,
    paths,
    projections,
    unnumbered,
    wrap,
)

from graph.compiler import masked
from graph.income import ITEMS
from graph.readmap import TYPES, Access, Conn, Custom, Kind, Mask, Rel, Value, yuan

PATHS = paths()

# --- scope ----------------------------------------------------------------------------

# What graph/scope.py prints for "this household is visible", and the person and
# official predicates built on it; each names the variable it checks.
_REGION_HOUSEHOLD = re.compile(
    r"WHERE any\((\w+) IN \w+\.prefixes WHERE (\w+)\.code STARTS WITH \1\)"
)
_OFFICIAL_HOUSEHOLD = re.compile(
    r"MATCH \((\w+)\)<-\[\w+:PAIRED_WITH\]-\(:Official \{code: \$scope\}\)"
)
_PERSON = re.compile(r"EXISTS \{ MATCH \((\w+)\)-\[:MEMBER_OF\]->\((\w+):Household\) WHERE ")
_OFFICIAL = re.compile(r"EXISTS \{ MATCH \((\w+)\)-\[:PAIRED_WITH\]->\((\w+):Household\) WHERE ")
_LABELLED = re.compile(r"\((\w*):(Household|Official|Person)\b(?! \{code: \$scope\})")  # fmt: skip

# Scoped records a statement may reach without a scope predicate of their own, by
# design: the people, officials and visiting officials of a household that is itself
# in scope, and the deliverer and recipient of its measures; the officials counted (by
# code) among an in-scope region's households; the official of a payload's pairing or
# visit whose household is in scope; and "has an active pairing" on an official who is
# visible.
REACHED_THROUGH_A_VISIBLE_RECORD = {
    "MATCH (p:Person)-[m:MEMBER_OF]->(h)",
    "MATCH (o:Official)-[r:PAIRED_WITH]->(h)",
    "MATCH (o:Official)-[:MADE_VISIT]->(v:Visit)-[:VISIT_TO]->(h)",
    # coverage's overloaded officials: the officials paired with an in-scope region's
    # counted households, by the codes of their pairing summaries or their pairings
    "MATCH (h)<-[pw:PAIRED_WITH]-(o:Official)",
    "MATCH (o:Official {code: code})",
    "MATCH (o:Official)-[r:PAIRED_WITH {id: $id}]->(h:Household)",
    "MATCH (:Official)-[:PAIRED_WITH {id: $id}]->(h:Household)",
    "MATCH (o:Official)-[:MADE_VISIT]->(v:Visit {id: $id})-[:VISIT_TO]->(h:Household)",
    "EXISTS { (o)-[ap:PAIRED_WITH]->(:Household)",
    # who delivered and who received a measure of a household in scope
    "MATCH (o:Official)-[:DELIVERED]->(m)",
    "MATCH (m)-[:RECEIVED_BY]->(p:Person)",
    # the same under a household reached through a cooperative or a lot, which
    # graph/household.py's in_scope checks (as `n`) before it shows anything
    "MATCH (p:Person)-[m:MEMBER_OF]->(n)",
    "MATCH (o:Official)-[r:PAIRED_WITH]->(n)",
    "MATCH (o:Official)-[:MADE_VISIT]->(v:Visit)-[:VISIT_TO]->(n)",
    # a cooperative's members: counted, and listed with each household null out of
    # scope (in_scope); a household's own cooperatives, counted
    "COUNT { (c)<-[coopMember:COOPERATIVE_MEMBER]-(:Household)",
    "COUNT { (n)<-[coopMember:COOPERATIVE_MEMBER]-(:Household)",
    "MATCH (c)<-[m:COOPERATIVE_MEMBER]-(h:Household)",
    "MATCH (n)<-[m:COOPERATIVE_MEMBER]-(h:Household)",
    # an assessment of a household in scope: its verifier, its members at fault (by ref)
    "MATCH (o:Official {code: a.verifiedBy})",
    "MATCH (p:Person)",
    # an income record's platform sales: the payments of its own household, the one in
    # scope it was reached from (Household.incomes, IncomeRecord#id)
    "MATCH (i)-[:INCOME_OF]->(:Household)<-[:PAID_TO]-(sale:Payment)",
    # the public trace: the households upstream of a lot, counted, never shown
    "MATCH (lot)<-[:PRODUCED]-(h:Household)",
    # who submitted a feedback on a household in scope (issue 13), and who delivered a
    # measure before a lifted household's exit (issue 14), the household in scope
    "MATCH (o:Official)-[:SUBMITTED]->(f)",
    "MATCH (o:Official)-[:DELIVERED]->(m:Measure)-[:MEASURE_FOR]->(h)",
}
# The same, as the read map declares it: Rel/Conn entries reaching a scoped kind
# without `scoped` on it.
UNSCOPED_IN_MAP = {
    "Measure.deliveredBy": {"o"},
    "Assessment.verifiedBy": {"o"},
    "ExitCheck.members": {"p"},
    "Measure.recipient": {"p"},
    "Household.members": {"p"},
    "Household.officials": {"o"},
    "Household.latestVisits": {"o"},
    # every membership, its household null out of scope (graph/household.py in_scope)
    "Cooperative.members": {"h"},
    # the official who submitted a feedback on a household in scope
    "Feedback.submittedBy": {"o"},
}
# Roots of what every caller of theirs may read (issue 15): the product catalogue,
# cooperatives and lots (a household behind them is checked where it is reached) and
# the public trace (open to everyone, never a household's field).
OPEN_ROOTS = {"products", "product", "cooperative", "lot", "publicTrace"}
SCOPED_LABELS = {"Household": Access.HOUSEHOLD, "Official": Access.OFFICIAL,
                 "Person": Access.PERSON}  # fmt: skip


def checked(cypher: str) -> dict[str, set[str]]:
    """The variables the statement checks with the caller's scope, by label."""
    households = {m.group(2) for m in _REGION_HOUSEHOLD.finditer(cypher)}
    households |= {m.group(1) for m in _OFFICIAL_HOUSEHOLD.finditer(cypher)}
    people = {m.group(1) for m in _PERSON.finditer(cypher) if m.group(2) in households}
    officials = {m.group(1) for m in _OFFICIAL.finditer(cypher) if m.group(2) in households}
    return {"Household": households, "Person": people, "Official": officials}


def clause(cypher: str, at: int) -> str:
    """The pattern around position `at`: from its MATCH (or subquery) to its WHERE."""
    start = max(cypher.rfind(word, 0, at) for word in ("MATCH ", "EXISTS { ", "COUNT { "))
    ends = [cypher.find(w, at) for w in (" WHERE ", " RETURN ", " WITH ", " }", " UNWIND ")]
    return cypher[start : min(i for i in ends if i != -1)]


def unscoped(cypher: str) -> set[str]:
    """The patterns binding a household, official or person the scope does not check."""
    ok = checked(cypher)
    return {
        unnumbered(clause(cypher, m.start()))
        for m in _LABELLED.finditer(cypher)
        if not (m.group(1) and m.group(1) in ok[m.group(2)])
    }


FILTER_DOCS = [
    '{ officials(where: {regionCode: "460203", unit: "u", overloaded: true, '
    "hasActivePairings: true}) { totalCount edges { node { code } } } }",
    '{ officials(where: {regionCode: "460200", hasActivePairings: false}, after: '
    '"WyJvZmZpY2lhbHMiLCJPLTEiXQ") { edges { node { code } } } }',
    '{ households(where: {regionCode: "460203", visitOverdue: true, hasResponsibleOfficial: '
    "false, status: REGISTERED}, orderBy: LAST_VISIT_DESC) { totalCount edges { node { code "
    'visitOverdue(asOf: "2026-01-01") } } } }',
    '{ pairingCoverage(regionCode: "460000", asOf: "2026-01-01") { households '
    "overloadedOfficials children { overloadedOfficials uncovered { edges { node { code } } } } "
    "overdue { edges { node { code } } } } }",
]
ENTITIES = [
    ("Pairing#id", "Pairing", {"id": "x"}),
    ("Household#pairing", "Household", {"id": "x"}),
    ("Visit#id", "Visit", {"id": "x"}),
]


# Roots of public reference data, the same for every caller, reached by no scoped
# record; their policy refuses callers with no token (api/incomes.py).
REFERENCE_ROOTS = {"povertyLines", "povertyLine"}
# Roots of the caller's own bookkeeping, bound to their token subject and reaching no
# scoped record: syncStatus (graph/sync.py; tests/test_sync.py checks another
# caller's records are UNKNOWN).
OWN_ROOTS = {"syncStatus"}


# Roots that read no scoped record: the audit's runs and imports (only a scope that
# sees everything reads them: `false` for any other) and its rules (constants, read
# from no record: checked for the callers who see everything only).
UNSCOPED_ROOTS = {"auditRun", "crossCheckImports"}
CONSTANT_ROOTS = {"auditRules"}


def statements(label: str) -> list[tuple[str, Compiled]]:
    principal = PRINCIPALS[label]
    everything = label in ("admin", "investigator")
    found = [(root, compile_one(doc, principal)) for root, doc in full_docs()
             if root not in REFERENCE_ROOTS | OWN_ROOTS and (
                 everything or root not in UNSCOPED_ROOTS | CONSTANT_ROOTS
                 or (label == "public" and root in UNSCOPED_ROOTS))]  # fmt: skip
    found += [(doc[:20], compile_one(doc, principal)) for doc in FILTER_DOCS]
    found += [
        (planner, compile_entity(planner, type_name, full_selection(object_type(type_name)),
                                 principal, args))
        for planner, type_name, args in ENTITIES
    ]  # fmt: skip
    return found


@pytest.mark.parametrize("label", ["region", "official"])
def test_every_scoped_record_is_checked_or_reached_through_a_visible_one(label: str) -> None:
    seen: set[str] = set()
    for name, compiled in statements(label):
        cypher = compiled.plan.cypher
        seen |= unscoped(cypher)
        if name in OPEN_ROOTS:
            continue
        assert compiled.params.get("scope") == PRINCIPALS[label].scope, name
        assert "$scope" in cypher, name
        # Every root but a region's own fields reads scoped records from its root on.
        ok = checked(cypher)
        assert ok["Household"], name
    assert seen == REACHED_THROUGH_A_VISIBLE_RECORD


@pytest.mark.parametrize("label", ["admin", "investigator"])
def test_callers_who_see_everything_carry_no_scope_parameter(label: str) -> None:
    for name, compiled in statements(label):
        assert "$scope" not in compiled.plan.cypher and "scope" not in compiled.params, name


def test_reference_roots_read_no_scoped_record() -> None:
    for root, doc in full_docs():
        if root in REFERENCE_ROOTS:
            for principal in PRINCIPALS.values():
                cypher = compile_one(doc, principal).plan.cypher
                assert not _LABELLED.search(cypher) and "$scope" not in cypher, root


def test_no_one_sees_anything_with_no_scope() -> None:
    for name, compiled in statements("public"):
        cypher = compiled.plan.cypher
        assert "$scope" not in cypher, name
        if cypher and name not in OPEN_ROOTS:
            assert "false" in cypher, name


def test_the_map_scopes_every_scoped_kind_it_reaches() -> None:
    unscoped_entries: dict[str, set[str]] = {}
    for type_name, type_map in TYPES.items():
        for field_name, entry in type_map.fields.items():
            if not isinstance(entry, (Rel, Conn)):
                continue
            reached = {
                var
                for var, label in re.findall(r"\{(\w+)\}:(\w+)", entry.match)
                if label in SCOPED_LABELS
            }
            scoped = {var for var, _ in entry.scoped}
            for var, access in entry.scoped:
                assert re.search(r"\{" + var + r"\}:(\w+)", entry.match), (field_name, var)
                label = re.search(r"\{" + var + r"\}:(\w+)", entry.match).group(1)  # type: ignore[union-attr]
                kinds = {**SCOPED_LABELS, "Seller": Access.SELLER}  # sellers: issue 16
                assert kinds[label] is access, (type_name, field_name)
            if reached - scoped:
                unscoped_entries[f"{type_name}.{field_name}"] = reached - scoped
    assert unscoped_entries == UNSCOPED_IN_MAP


# --- masks ----------------------------------------------------------------------------

MASKED = [
    (type_name, field_name, entry)
    for type_name, type_map in TYPES.items()
    for field_name, entry in type_map.fields.items()
    if isinstance(entry, Value) and entry.mask is not None
]
_PROPERTY = re.compile(r"^\{(\w+)\}\.(\w+)$")
_ACCESS = re.compile(r"\{(\w+)\}\.(\w+)")


def properties_of(entry: Value) -> list[str]:
    """The properties a masked value reads (one, or several for a computed HIDDEN one)."""
    return [m.group(2) for m in _ACCESS.finditer(entry.cypher)]


MASKED_PROPERTIES = sorted({p for _, _, e in MASKED for p in properties_of(e)})
_RAW = re.compile(r"\b\w+\.(" + "|".join(MASKED_PROPERTIES) + r")\b")


# DOMAIN.md section 9: ID numbers, names, phones, bank accounts, addresses, GPS points,
# ethnicity, health and disability, incomes and debt; officials' ID numbers and phones.
PERSONAL = {
    "Household.address": Mask.HIDDEN,
    "Household.headPhone": Mask.PHONE,
    "Household.bankAccount": Mask.ACCOUNT,
    "Household.debt": Mask.HIDDEN,
    "Official.phone": Mask.PHONE,
    "Official.idNumber": Mask.ID_NUMBER,
    "Person.idNumber": Mask.ID_NUMBER,
    "Person.name": Mask.NAME,
    "Person.birthDate": Mask.HIDDEN,
    # the date of death says more of a person than the file needs to show the public
    "Person.diedOn": Mask.HIDDEN,
    "Person.ethnicity": Mask.HIDDEN,
    "Person.health": Mask.HIDDEN,
    "Person.labourAbility": Mask.HIDDEN,
    "Person.phone": Mask.PHONE,
    "Visit.notes": Mask.HIDDEN,
    "Visit.latitude": Mask.HIDDEN,
    "Visit.longitude": Mask.HIDDEN,
    # an income (issue 15): what the household was paid through the platform
    "Payment.amount": Mask.HIDDEN,
    # who made a change: a login names an official (the changes themselves are masked
    # field by field after the statement, graph/history.py)
    "ChangeEntry.subject": Mask.HIDDEN,
    # incomes, every figure of them (graph/income.py), and a measure's notes
    "Household.latestPerCapitaNet": Mask.HIDDEN,
    "Household.previousPerCapitaNet": Mask.HIDDEN,
    **{f"IncomeRecord.{name}": Mask.HIDDEN for name in ITEMS},
    "IncomeRecord.transfers": Mask.HIDDEN,
    "Measure.notes": Mask.HIDDEN,
    # an exit assessment's income figure (graph/assessment.py)
    "Assessment.perCapitaNet": Mask.HIDDEN,
    # the incomes behind an at-risk flag (issue 13) and a lifted household (issue 14);
    # a feedback's and a monitoring record's free text, which may name anyone
    "AtRiskHousehold.latestPerCapitaNet": Mask.HIDDEN,
    "AtRiskHousehold.previousPerCapitaNet": Mask.HIDDEN,
    "LiftedHousehold.incomeAtExit": Mask.HIDDEN,
    "LiftedHousehold.incomeBeforeSupport": Mask.HIDDEN,
    "Feedback.text": Mask.HIDDEN,
    "Feedback.answer": Mask.HIDDEN,
    "MonitoringRecord.note": Mask.HIDDEN,
}
# Values computed by a function of their own, null whole for masked views (so nothing
# below them is compiled): the figures that add the platform sales (graph/income.py).
HIDDEN_CUSTOM = {"Household.incomes", "IncomeRecord.aboveThreshold",
                 "IncomeRecord.platformSales", "IncomeRecord.netIncome",
                 "IncomeRecord.perCapitaNet",
                 # what the investigator's trace paid to households (issue 17): incomes
                 "TraceSales.paid", "TraceDownstream.payments",
                 "TraceDownstream.paidToHouseholds"}  # fmt: skip


def test_the_personal_fields_are_the_known_ones() -> None:
    assert {f"{t}.{f}": e.mask for t, f, e in MASKED} == PERSONAL
    hidden = {
        f"{t}.{f}"
        for t, m in TYPES.items()
        for f, e in m.fields.items()
        if isinstance(e, Custom) and e.mask is Mask.HIDDEN
    }
    assert hidden == HIDDEN_CUSTOM


def test_every_masked_value_is_a_plain_property_or_hidden() -> None:
    # The checks below find raw values by their property access; a computed value can
    # only be hidden whole.
    for _, _, entry in MASKED:
        assert _PROPERTY.fullmatch(entry.cypher) or entry.mask is Mask.HIDDEN, entry


def raw_accesses(cypher: str) -> Counter[str]:
    """Property accesses of personal fields that no mask wraps."""
    for _, _, entry in MASKED:
        plain = _PROPERTY.fullmatch(entry.cypher)
        if plain is None:
            continue  # hidden whole: masked views print null, nothing to unwrap
        prop = plain.group(2)
        assert entry.mask is not None
        for var in set(re.findall(r"\b(\w+)\." + prop + r"\b", cypher)):
            text = masked(f"{var}.{prop}", entry.mask)
            if f"{var}.{prop}" in text:  # HIDDEN prints a bare null: nothing to unwrap
                cypher = cypher.replace(text, "<masked>")
    return Counter(m.group(0) for m in _RAW.finditer(cypher))


@pytest.mark.parametrize(("type_name", "field_name", "entry"), MASKED,
                         ids=lambda v: v if isinstance(v, str) else "")  # fmt: skip
def test_a_personal_field_leaves_only_through_its_mask(type_name, field_name, entry) -> None:  # type: ignore[no-untyped-def]
    path = PATHS[type_name]
    with_it = wrap(path, f"personal: {field_name} __typename")
    without = wrap(path, "__typename")
    props = properties_of(entry)
    hidden = hidden_on_the_way(path)
    if not props:
        # A figure the statement computed into a variable of its row (atRiskHouseholds'
        # incomes): printed as that variable, or null for masked views.
        (var,) = re.findall(r"\{(\w+)\}", entry.cypher)
        assert entry.mask is Mask.HIDDEN and hidden is None, entry
        for label, principal in PRINCIPALS.items():
            one = compile_one(with_it, principal).plan.cypher
            (value,) = [x for k, x in projections(one) if k == "personal"]
            wanted = var if principal.sees_personal_data else "null"
            assert value == wanted, (label, value)
        return
    prop = props[0]
    for label, principal in PRINCIPALS.items():
        one = compile_one(with_it, principal).plan.cypher
        base = compile_one(without, principal).plan.cypher
        if hidden is not None and not principal.sees_personal_data:
            # A field hidden whole on the way: nothing below it is compiled.
            assert f"`{hidden}`: null" in one and "`personal`" not in one, label
            assert raw_accesses(one) == raw_accesses(base), label
            continue
        (value,) = [x for k, x in projections(one) if k == "personal"]
        if principal.sees_personal_data and len(props) > 1:
            added = raw_accesses(one) - raw_accesses(base)
            assert sorted(a.split(".")[1] for a in added.elements()) == sorted(props), label
            continue
        if principal.sees_personal_data and entry.kind is Kind.FEN:
            # money: the stored fen written as yuan (graph/readmap.py), raw inside
            found = re.search(r"\((\w+)\." + prop + r"\)", value)
            assert found is not None and value == yuan(f"{found.group(1)}.{prop}"), label
            added = raw_accesses(one) - raw_accesses(base)
            assert set(added) == {f"{found.group(1)}.{prop}"}, label
            continue
        if principal.sees_personal_data:
            raw = value.removeprefix("toString(").removesuffix(")")  # DATE values
            assert re.fullmatch(r"\w+\." + prop, raw), (label, value)
            assert raw_accesses(one) - raw_accesses(base) == Counter([raw]), label
            continue
        if value != "null":
            var = re.match(r"CASE WHEN \((\w+)\." + prop + r"\) IS NULL", value)
            assert var is not None, (label, value)
            assert value == masked(f"{var.group(1)}.{prop}", entry.mask), label
        else:
            assert entry.mask is Mask.HIDDEN, label
        # Selecting it added no raw access anywhere (ORDER BY p.idNumber may stay).
        assert raw_accesses(one) == raw_accesses(base), label


# Roots under which nothing personal lies: regions (counts), the product catalogue and
# the public trace (issue 15), the audit's runs, summary, imports and rules (E1), the
# field app's sync status (G2); salesImpact (issue 16) sums payments (Payment.amount)
# into figures, null for masked views over fewer than 5 households
# (tests/test_sales_impact.py), and selects nothing personal; so do measureImpact and
# regionStats (issue 14), whose income figures are medians and shares over a region's
# or a measure's households, null for masked views over fewer than 5
# (tests/test_stats.py).
NO_PERSONAL_ROOTS = {"region", "products", "product", "publicTrace", "syncStatus",
                     "auditRun", "auditSummary", "crossCheckImports", "auditRules",
                     "salesImpact", "measureImpact", "regionStats"}  # fmt: skip


@pytest.mark.parametrize(("root", "doc"), list(full_docs()), ids=lambda v: v[:12])
def test_everything_selected_leaves_no_raw_personal_value_for_masked_views(root, doc) -> None:  # type: ignore[no-untyped-def]
    skip = frozenset(f"{t}.{f}" for t, f, _ in MASKED)
    without = dict(full_docs(skip))[root]
    for label, principal in PRINCIPALS.items():
        one = raw_accesses(compile_one(doc, principal).plan.cypher)
        base = raw_accesses(compile_one(without, principal).plan.cypher)
        if root in NO_PERSONAL_ROOTS:
            assert not one - base, label  # nothing personal under them to select
        elif principal.sees_personal_data:
            # the check sees raw values
            assert one - base or root in REFERENCE_ROOTS, label
        else:
            assert one == base, (label, one - base)
