"""The generator's exit assessments and status histories as lines (graph/bulk.py's
format; seeds/exit_draw.py draws them). Written after the households, officials and
incomes of a county; assessments before the changes that name them. A county's
statusSince and exitYear follow from graph/status.py's `refresh_status`.
"""

from __future__ import annotations

from graph.bulk import _ROWS, DT, GEN, B, Columns, D, L, N, T, _props
from graph.model import Label, Rel

ASSESSMENT_COLUMNS: Columns = (
    ("id", T), ("year", N), ("date", D), ("passed", B), ("threshold", N), ("perCapitaNet", N),
    ("householdSize", N), ("housingGrade", T), ("checks", L), ("faults", L),
    ("foodSecure", B), ("clothingSecure", B), ("villageConfirmed", B), ("createdAt", DT),
)  # fmt: skip
STATUS_CHANGE_COLUMNS: Columns = (
    ("id", T), ("from", T), ("to", T), ("on", D), ("reason", T), ("cause", T), ("seq", N),
    ("createdAt", DT),
)  # fmt: skip

# An assessment's line: household, official (the verifier), ASSESSMENT_COLUMNS.
WRITE_ASSESSMENTS = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (a:{Label.ASSESSMENT}:{GEN} {_props(ASSESSMENT_COLUMNS, 2)})"
    f"-[:{Rel.ASSESSES}]->(h) SET a.householdCode = f[0], a.verifiedBy = nullIf(f[1], '') "
    f"WITH a, f CALL (a, f) {{ MATCH (o:{Label.OFFICIAL} {{code: f[1]}}) "
    f"CREATE (o)-[:{Rel.VERIFIED}]->(a) }}"
)
# A status change's line: household, the assessment it records (empty when none),
# STATUS_CHANGE_COLUMNS.
WRITE_STATUS_CHANGES = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (s:{Label.STATUS_CHANGE}:{GEN} {_props(STATUS_CHANGE_COLUMNS, 2)})"
    f"-[:{Rel.STATUS_OF}]->(h) "
    f"WITH s, f CALL (s, f) {{ MATCH (a:{Label.ASSESSMENT} {{id: f[1]}}) "
    f"CREATE (s)-[:{Rel.DECIDED_BY}]->(a) }}"
)

EXIT_WRITES = {"assessments": WRITE_ASSESSMENTS, "statusChanges": WRITE_STATUS_CHANGES}
EXIT_BATCH = {"assessments": 10_000, "statusChanges": 10_000}
