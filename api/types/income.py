"""Yearly incomes of households and the poverty lines (DOMAIN.md section 3).

Declarations only: the values come from the compiled statement (graph/income.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from api.execution import compiled

_PERSONAL = "Personal, whole yuan."


@strawberry.type(
    description="The poverty line from `year` on, until a later row (yuan per person per "
    "year); data, set by setPovertyLine."
)
class PovertyLine:
    year: int
    line: int
    exit_line: int | None = strawberry.field(
        description="The threshold exit checks used, where it differs from the line."
    )
    threshold: int = strawberry.field(description="exitLine, else line.")


@strawberry.type(
    description="A household's income of one year (at most one a year). netIncome = "
    "wages + productionIncome + propertyIncome + transfers + platformSales - "
    "productionCosts, rounded down to whole yuan; perCapitaNet = netIncome / "
    "householdSize, rounded down; transfers = pensionIncome + lowIncomeGuarantee + "
    "subsidies + ecologicalCompensation."
)
class IncomeRecord:
    id: strawberry.ID
    year: int
    wages: int | None = strawberry.field(description=_PERSONAL)
    production_income: int | None = strawberry.field(
        description="Gross, as officials enter it: it excludes platform sales (platformSales "
        "adds them, so nothing counts twice). " + _PERSONAL
    )
    production_costs: int | None = strawberry.field(description=_PERSONAL)
    property_income: int | None = strawberry.field(
        description="Asset dividends, rent. " + _PERSONAL
    )
    pension_income: int | None = strawberry.field(description=_PERSONAL)
    low_income_guarantee: int | None = strawberry.field(description=_PERSONAL)
    subsidies: int | None = strawberry.field(description=_PERSONAL)
    ecological_compensation: int | None = strawberry.field(description=_PERSONAL)
    transfers: int | None = strawberry.field(description="The last four items. " + _PERSONAL)
    platform_sales: Decimal | None = strawberry.field(
        description="Read-only: the household's unvoided platform payments (acceptances "
        "of its lots, sales of them) dated in the year, in yuan. Personal."
    )
    net_income: int | None = strawberry.field(description="The household's. " + _PERSONAL)
    household_size: int = strawberry.field(
        description="As recorded (default: the members on 31 December of the year)."
    )
    per_capita_net: int | None = strawberry.field(description=_PERSONAL)
    version: int = strawberry.field(description="Pass as expectedVersion to replace it.")
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    @strawberry.field(description="The poverty line in force that year (null before 2015).")
    def poverty_line(self) -> PovertyLine | None:
        return compiled()

    @strawberry.field(
        description="perCapitaNet above the threshold in force that year; null without a line."
    )
    def above_threshold(self) -> bool | None:
        return compiled()


__all__ = ["IncomeRecord", "PovertyLine"]
