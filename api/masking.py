"""Masks for personal data (DOMAIN.md section 9), for roles that may not see it."""

from __future__ import annotations

from typing import Any

import strawberry

from api.auth import Principal


def mask_id_number(value: str | None) -> str | None:
    """An ID number keeps its first 6 and last 4 characters: 460203********123X."""
    if value is None:
        return None
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """A name keeps its first character: 王**."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_account(value: str | None) -> str | None:
    if not value:
        return value
    return "*" * max(len(value) - 4, 0) + value[-4:]


def sees_personal(info: strawberry.Info[Any, Any]) -> bool:
    principal: Principal = info.context.principal
    return principal.sees_personal_data
