"""The generator's monitoring records, their support measures and feedback as lines
(graph/bulk.py's format; seeds/monitoring_draw.py draws them). Written after a county's
households, officials and exits. The households' `monitored` travels in their own lines
(true exactly for those with an open record, as graph/derived.py derives it).
"""

from __future__ import annotations

from graph.bulk import _ROWS, DT, GEN, WRITE_MEASURES, Columns, D, L, N, T, _props
from graph.model import Label, Rel

MONITORING_COLUMNS: Columns = (
    ("id", T), ("group", T), ("riskTypes", L), ("startedOn", D), ("removedOn", D),
    ("removalReason", T), ("note", T), ("createdAt", DT),
)  # fmt: skip
FEEDBACK_COLUMNS: Columns = (
    ("id", T), ("source", T), ("category", T), ("score", N), ("text", T), ("status", T),
    ("submittedOn", D), ("answer", T), ("answeredOn", D), ("closedOn", D), ("createdAt", DT),
)  # fmt: skip

# A record's line: household, MONITORING_COLUMNS.
WRITE_MONITORING = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (:{Label.MONITORING_RECORD}:{GEN} {_props(MONITORING_COLUMNS, 1)})"
    f"-[:{Rel.MONITORS}]->(h)"
)
# A feedback's line: household, official who submitted it (empty when none),
# FEEDBACK_COLUMNS.
WRITE_FEEDBACK = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (fb:{Label.FEEDBACK}:{GEN} {_props(FEEDBACK_COLUMNS, 2)})"
    f"-[:{Rel.FEEDBACK_ON}]->(h) "
    f"WITH fb, f CALL (fb, f) {{ MATCH (o:{Label.OFFICIAL} {{code: f[1]}}) "
    f"CREATE (o)-[:{Rel.SUBMITTED}]->(fb) }}"
)

MONITORING_WRITES = {
    "monitoring": WRITE_MONITORING,
    "monitoringMeasures": WRITE_MEASURES,  # a measure's line, as support's
    "feedback": WRITE_FEEDBACK,
}
MONITORING_BATCH = {"monitoring": 10_000, "monitoringMeasures": 10_000, "feedback": 10_000}
