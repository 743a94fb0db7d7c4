"""Root query fields of the household file: household, households, person, official,
officials.

Each runs one statement (graph/household.py projects what the selection asks for);
scope is applied inside it, so out-of-scope records answer null or do not appear.
"""

from __future__ import annotations

import strawberry

from api.auth import HOUSEHOLD_READERS, policy
from api.context import Context
from api.masking import sees_personal
from api.pagination import DEFAULT_FIRST, PageInfo, check_first, decode_cursor, encode_cursor
from api.types.household import (
    Household,
    HouseholdConnection,
    HouseholdEdge,
    HouseholdWhere,
    selection,
)
from api.types.official import (
    OFFICIALS_KIND,
    Official,
    OfficialConnection,
    OfficialEdge,
    OfficialWhere,
)
from api.types.person import Person
from graph import household as graph_household
from graph import official as graph_official
from graph import person as graph_person
from graph.errors import BadUserInput
from graph.household import HouseholdFilter, HouseholdOrder
from graph.official import OfficialFilter
from graph.validation import check_household_code, check_id_number, check_lookup_key, today_cst


def _filter(where: HouseholdWhere | None) -> HouseholdFilter:
    if where is None:
        return HouseholdFilter()
    return HouseholdFilter(
        region_code=where.region_code,
        status=where.status,
        attribute=where.attribute,
        main_cause=where.main_cause,
        has_responsible_official=where.has_responsible_official,
        visit_overdue=where.visit_overdue,
        within_days=where.within_days,
        as_of=where.as_of,
        include_deregistered=where.include_deregistered,
    )


@strawberry.type
class HouseholdQuery:
    @strawberry.field(
        description="A household by its 16-digit code; null when there is none in your scope.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def household(self, info: strawberry.Info[Context, None], code: str) -> Household | None:
        check_household_code(code, "code")
        context = info.context
        row = await graph_household.get_household(context.db, code, context.scope, selection(info))
        return Household.from_row(row, not sees_personal(info)) if row else None

    @strawberry.field(
        description="Households in your scope, a page at a time (opaque keyset cursors).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def households(
        self,
        info: strawberry.Info[Context, None],
        where: HouseholdWhere | None = None,
        order_by: HouseholdOrder = HouseholdOrder.CODE_ASC,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> HouseholdConnection:
        check_first(first)
        kind = f"households:{order_by.value}"
        key = decode_cursor(after, kind, graph_household.cursor_length(order_by))
        sel = selection(info)
        context = info.context
        rows, total = await graph_household.list_households(
            context.db,
            context.scope,
            _filter(where),
            order_by,
            first,
            key,
            sel.get("edges", {}).get("node", {}),
            total="totalCount" in sel,
            today=today_cst(),
        )
        mask = not sees_personal(info)
        edges = [
            HouseholdEdge(
                node=Household.from_row(row["node"], mask),
                cursor=encode_cursor(kind, graph_household.cursor_key(order_by, row)),
            )
            for row in rows[:first]
        ]
        return HouseholdConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            _total=total,
        )

    @strawberry.field(
        description="A person by national ID number, with their households past and present; "
        "null when none is in your scope, and always null for roles that may not see ID "
        "numbers.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def person(self, info: strawberry.Info[Context, None], id_number: str) -> Person | None:
        # The shape first, for every role: it says nothing about the data.
        id_number = check_id_number(id_number, "idNumber")
        if not sees_personal(info):
            # A lookup by a value the caller may not see would be an identity oracle.
            return None
        context = info.context
        row = await graph_person.get_person(context.db, id_number, context.scope, selection(info))
        return Person.from_row(row, not sees_personal(info)) if row else None

    @strawberry.field(
        description="An official by code; null when none is visible to you.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def official(self, info: strawberry.Info[Context, None], code: str) -> Official | None:
        check_lookup_key(code, "code")
        context = info.context
        row = await graph_official.get_official(context.db, code, context.scope)
        return Official.from_row(row, not sees_personal(info)) if row else None

    @strawberry.field(
        description="Officials you may see, by code, a page at a time (opaque keyset "
        "cursors): everyone for ADMIN, AUDITOR and INVESTIGATOR; otherwise those paired, "
        "now or before, with a household in your scope (and a field official themself).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def officials(
        self,
        info: strawberry.Info[Context, None],
        where: OfficialWhere | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> OfficialConnection:
        check_first(first)
        key = decode_cursor(after, OFFICIALS_KIND, 1)
        if key is not None and not isinstance(key[0], str):
            raise BadUserInput("not a valid cursor", field="after")
        where = where or OfficialWhere()
        sel = selection(info)
        context = info.context
        rows, total = await graph_official.list_officials(
            context.db,
            context.scope,
            OfficialFilter(
                region_code=where.region_code,
                unit=where.unit,
                overloaded=where.overloaded,
                has_active_pairings=where.has_active_pairings,
            ),
            first,
            key[0] if key else None,
            total="totalCount" in sel,
        )
        mask = not sees_personal(info)
        edges = [
            OfficialEdge(
                node=Official.from_row(row, mask),
                cursor=encode_cursor(OFFICIALS_KIND, [row["code"]]),
            )
            for row in rows[:first]
        ]
        return OfficialConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            _total=total,
        )
