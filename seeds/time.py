"""Dates in China Standard Time, the platform's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(CST).date()


def parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
