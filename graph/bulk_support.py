"""The generator's support measures and income records, written from lines of text
(graph/bulk.py): the rows seeds/support.py draws. Keys come first in a line (the
household, then a measure's official and member, empty when none), found by the
unique constraints' index seeks.

The households' derived income properties travel with their own lines
(seeds/generator.py's HOUSEHOLD_COLUMNS), computed by graph/income.py's
`derived_incomes`, the Python twin of REFRESH_INCOMES.
"""

from __future__ import annotations

from graph.bulk import _ROWS, DT, GEN, Columns, D, F, N, T, _props
from graph.income import ITEMS
from graph.model import Label, Rel

MEASURE_COLUMNS: Columns = (
    ("id", T), ("category", T), ("date", D), ("amount", N), ("quantity", F), ("unit", T),
    ("description", T), ("agency", T), ("termMonths", N), ("notes", T), ("voidedOn", D),
    ("voidReason", T), ("createdAt", DT),
)  # fmt: skip
INCOME_COLUMNS: Columns = (
    ("id", T), ("year", N), *((name, N) for name in ITEMS), ("householdSize", N),
    ("version", N), ("createdAt", DT), ("updatedAt", DT),
)  # fmt: skip

# householdCode | officialCode | memberIdNumber | MEASURE_COLUMNS
WRITE_MEASURES = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (m:{Label.MEASURE}:{GEN} {_props(MEASURE_COLUMNS, 3)})-[:{Rel.MEASURE_FOR}]->(h) "
    f"WITH m, f "
    f"CALL (m, f) {{ MATCH (o:{Label.OFFICIAL} {{code: f[1]}}) "
    f"CREATE (o)-[:{Rel.DELIVERED}]->(m) }} "
    f"CALL (m, f) {{ MATCH (p:{Label.PERSON} {{idNumber: f[2]}}) "
    f"CREATE (m)-[:{Rel.RECEIVED_BY}]->(p) }}"
)
# householdCode | INCOME_COLUMNS
WRITE_INCOMES = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (:{Label.INCOME_RECORD}:{GEN} {_props(INCOME_COLUMNS, 1)})"
    f"-[:{Rel.INCOME_OF}]->(h)"
)
