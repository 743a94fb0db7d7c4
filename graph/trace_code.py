"""Trace codes: the short codes a QR label carries (DOMAIN.md section 8). Pure: no
database.

    FP L 7K3M9QXR2T 5
    |  | |          +- check: Luhn mod 32 over the ten characters before it
    |  | +------------ ten random Crockford base32 characters (50 bits)
    |  +-------------- kind: L a lot, C a cooperative, H a household
    +----------------- the platform's prefix

Crockford's alphabet (0-9 and A-Z without I, L, O, U) has no letters that read as
digits. What a person types is accepted in lower case, with spaces and hyphens
(`fpl-7k3m 9qxr 2t5`), and stored upper case without them. The kind letter picks the
label a code is looked up on (one seek on that label's unique trace code); a code
that is well formed but on no node is unknown (null), one that is not well formed is
BAD_USER_INPUT. A QR code encodes `{FUPIN_PUBLIC_BASE_URL}/t/{code}` (`trace_url`).
"""

from __future__ import annotations

import secrets
from enum import StrEnum

from graph.errors import BadUserInput
from graph.model import Label

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "FP"
BODY_LENGTH = 10
LENGTH = len(PREFIX) + 1 + BODY_LENGTH + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_N = len(ALPHABET)


class TraceKind(StrEnum):
    """What a trace code names (LETTERS: its kind letter)."""

    LOT = "LOT"
    COOPERATIVE = "COOPERATIVE"
    HOUSEHOLD = "HOUSEHOLD"


LETTERS: dict[TraceKind, str] = {
    TraceKind.LOT: "L",
    TraceKind.COOPERATIVE: "C",
    TraceKind.HOUSEHOLD: "H",
}
_KINDS = {letter: kind for kind, letter in LETTERS.items()}


# The label a kind is looked up on; every one keeps its code in `traceCode`.
LABELS: dict[TraceKind, Label] = {
    TraceKind.LOT: Label.LOT,
    TraceKind.COOPERATIVE: Label.COOPERATIVE,
    TraceKind.HOUSEHOLD: Label.HOUSEHOLD,
}


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of `body` (characters of ALPHABET): it catches
    every single wrong character and most swaps of two neighbours."""
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // _N + addend % _N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(_N - total % _N) % _N]


def is_checked(body_and_check: str) -> bool:
    """Whether the last character is the check character of those before it."""
    total, factor = 0, 1
    for char in reversed(body_and_check):
        addend = factor * _VALUE[char]
        total += addend // _N + addend % _N
        factor = 2 if factor == 1 else 1
    return total % _N == 0


def make(kind: TraceKind, body: str) -> str:
    """The trace code of `kind` with this body (ten ALPHABET characters)."""
    if len(body) != BODY_LENGTH or any(c not in _VALUE for c in body):
        raise ValueError("a trace code's body is ten Crockford base32 characters")
    return f"{PREFIX}{LETTERS[kind]}{body}{check_character(body)}"


def new(kind: TraceKind) -> str:
    """A random trace code of `kind` (from the operating system's random source)."""
    return make(kind, "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH)))


def normalize(value: str) -> str:
    """`value` as stored: upper case, spaces and hyphens dropped."""
    return value.replace(" ", "").replace("-", "").upper()


def parse(value: str, field: str) -> tuple[TraceKind, str]:
    """The kind and the stored form of a trace code; BAD_USER_INPUT (on `field`) when
    it is not a well-formed one. The message never repeats the value."""
    code = normalize(value) if len(value) <= 4 * LENGTH else ""
    if (
        len(code) != LENGTH
        or not code.startswith(PREFIX)
        or code[2] not in _KINDS
        or any(c not in _VALUE for c in code[3:])
    ):
        raise BadUserInput(
            "a trace code is FP, a kind letter (L, C or H) and 11 characters", field=field
        )
    if not is_checked(code[3:]):
        raise BadUserInput("the trace code's check character is wrong", field=field)
    return _KINDS[code[2]], code


def check_trace_code(value: str, field: str, kind: TraceKind | None = None) -> str:
    """The stored form of a well-formed trace code (of `kind`, when given)."""
    found, code = parse(value, field)
    if kind is not None and found is not kind:
        raise BadUserInput(f"not the trace code of a {kind.name.lower()}", field=field)
    return code


def trace_url(base_url: str, code: str) -> str:
    """What a QR code of `code` encodes: the public trace page's address."""
    return f"{base_url.rstrip('/')}/t/{code}"
