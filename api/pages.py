"""The public trace page and its QR code, open to anyone without a token, in every
mode (limited per address like publicTrace: api/ratelimit.py `public`).

    GET /t/{code}          what publicTrace(code) shows, as HTML rendered here from the
                           same planner (graph/public_trace.py `read_public_trace`): no
                           script, one stylesheet (/static/trace.css), nothing from
                           another host; Chinese or English (api/catalogue.py)
    GET /qr/{code}.svg     the QR code of {FUPIN_PUBLIC_BASE_URL}/t/{code} (segno)

A malformed code answers 400, a well-formed code of nothing 404, a database that does
not answer 503: each a page in the chosen language, never a traceback. Every stored
value is escaped (a cooperative's name is free text).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from api.catalogue import HTML_LANG, TEXT, Lang, Text, choose
from api.ratelimit import public
from graph.errors import BadUserInput, FupinError
from graph.product import ProductCategory, QuantityUnit
from graph.public_trace import read_public_trace
from graph.trace_code import TraceKind, normalize, trace_url

logger = logging.getLogger("fupin.api")

STATIC = Path(__file__).resolve().parent / "static"

POLICY = "default-src 'none'; style-src 'self'; img-src 'self'"
PAGE_AGE_S = 300
QR_AGE_S = 86_400


def _headers(max_age: int) -> dict[str, str]:
    return {
        "Content-Security-Policy": POLICY,
        "Cache-Control": f"public, max-age={max_age}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _page_headers(lang: Lang) -> dict[str, str]:
    # The language comes from a header: a cache must keep one copy per language.
    return {**_headers(PAGE_AGE_S), "Content-Language": lang.value, "Vary": "Accept-Language"}


def _document(lang: Lang, title: str, body: str) -> str:
    t = TEXT[lang]
    switch = (
        '<nav class="lang"><a href="?lang=zh" hreflang="zh-Hans" lang="zh-Hans">中文</a>'
        '<a href="?lang=en" hreflang="en" lang="en">English</a></nav>'
    )
    return (
        f'<!doctype html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · {escape(t.site)}</title>\n"
        '<link rel="stylesheet" href="/static/trace.css">\n'
        '<link rel="icon" href="/static/trace-icon.svg" type="image/svg+xml">\n'
        "</head>\n<body>\n"
        f'<header><p class="site">{escape(t.site)}</p>{switch}</header>\n'
        f"<main>\n{body}</main>\n"
        f"<footer><p>{escape(t.about)}</p></footer>\n</body>\n</html>\n"
    )


def number(value: float) -> str:
    """A quantity as shown: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _quantity(t: Text, quantity: float, unit: str | None) -> str:
    one, several = t.units[QuantityUnit(unit)] if unit else ("", "")
    word = one if quantity == 1 else several
    return f'<span data-field="quantity">{number(quantity)}</span> {escape(word)}'


def _row(label: str, value: str) -> str:
    return f"<div><dt>{escape(label)}</dt><dd>{value}</dd></div>\n"


def _product(t: Text, product: Mapping[str, Any], field: str, *, unit: bool = False) -> str:
    """A product's name and its category (and the unit it is counted in, in a list
    where two products may share a name: honey by the kilogram and by the bottle)."""
    about = t.categories[ProductCategory(product["category"])]
    if unit:
        about += t.separator + t.units[QuantityUnit(product["unit"])][0]
    return (
        f'<span data-field="{field}">{escape(product["name"])}</span> '
        f'<span class="category">({escape(about)})</span>'
    )


def _place(place: Mapping[str, Any]) -> str:
    # County, town, village: the path stands in for a map (none can be served here).
    names = [place[k]["name"] for k in ("county", "town", "village") if place.get(k)]
    items = "".join(f"<li>{escape(name)}</li>" for name in names)
    return f'<ol class="path" data-field="place">{items}</ol>'


def _products(t: Text, products: Sequence[Mapping[str, Any]]) -> str:
    items = "".join(f"<li>{_product(t, p, 'products', unit=True)}</li>" for p in products)
    return f'<ul class="products">{items}</ul>'


def _title(t: Text, trace: Mapping[str, Any]) -> str:
    kind = TraceKind(trace["kind"])
    if kind is TraceKind.LOT and trace.get("product"):
        return str(trace["product"]["name"])
    if kind is TraceKind.COOPERATIVE and trace.get("cooperative"):
        return str(trace["cooperative"]["name"])
    if kind is TraceKind.HOUSEHOLD:
        return t.household_title
    return str(trace["traceCode"])


def render(lang: Lang, trace: Mapping[str, Any]) -> str:
    """The page of one publicTrace value (`read_public_trace`'s)."""
    t = TEXT[lang]
    kind = TraceKind(trace["kind"])
    title = _title(t, trace)
    rows = ""
    if trace.get("product"):
        rows += _row(t.product, _product(t, trace["product"], "product"))
    if trace.get("producedOn"):
        day = escape(trace["producedOn"])
        rows += _row(t.produced_on, f'<time data-field="producedOn" datetime="{day}">{day}</time>')
    if trace.get("quantity") is not None:
        rows += _row(t.quantity, _quantity(t, trace["quantity"], trace.get("unit")))
    if trace.get("place"):
        rows += _row(t.place, _place(trace["place"]))
    if trace.get("cooperative"):
        name = escape(trace["cooperative"]["name"])
        rows += _row(t.cooperative, f'<span data-field="cooperative">{name}</span>')
    households = int(trace["contributingHouseholds"])
    count = f'<span data-field="contributingHouseholds">{households}</span>'
    rows += _row(t.households, f"{count} {escape(t.households_unit)}".rstrip())
    if trace.get("products"):
        rows += _row(t.products, _products(t, trace["products"]))
    body = (
        f'<p class="kind">{escape(t.kinds[kind])}</p>\n'
        f'<h1 data-field="title">{escape(title)}</h1>\n'
        f"<dl>\n{rows}</dl>\n"
        f'<p class="code">{escape(t.trace_code)} '
        f'<code data-field="traceCode">{escape(trace["traceCode"])}</code></p>\n'
    )
    return _document(lang, title, body)


def _problem(lang: Lang, status: int, code: str = "") -> HTMLResponse:
    t = TEXT[lang]
    title, text = {
        400: (t.malformed_title, t.malformed_body),
        404: (t.not_found_title, t.not_found_body),
    }.get(status, (t.unavailable_title, t.unavailable_body))
    body = (
        f'<h1 data-field="title">{escape(title)}</h1>\n'
        f'<p class="problem">{escape(text.format(code=code))}</p>\n'
    )
    headers = _page_headers(lang)
    if status >= 500:
        headers["Cache-Control"] = "no-store"
    return HTMLResponse(_document(lang, title, body), status_code=status, headers=headers)


def _lang(request: Request) -> Lang:
    return choose(request.query_params.get("lang"), request.headers.get("accept-language"))


async def _read(request: Request, lang: Lang, *, everything: bool) -> Response | dict[str, Any]:
    """publicTrace's value for the path's code, or the page that says why not."""
    code = request.path_params["code"]
    try:
        found = await read_public_trace(request.app.state.db, code, everything=everything)
    except BadUserInput:
        return _problem(lang, 400)
    except FupinError as exc:  # the database did not answer: say so, never a traceback
        logger.warning("the public trace page could not read: %s", type(exc).__name__)
        return _problem(lang, 503)
    if found is None:
        return _problem(lang, 404, normalize(code))
    return found


async def trace_page(request: Request) -> Response:
    """`/t/{code}`: the public trace page."""
    lang = _lang(request)
    found = await _read(request, lang, everything=True)
    if isinstance(found, Response):
        return found
    return HTMLResponse(render(lang, found), headers=_page_headers(lang))


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> bytes:
    """The QR code of `url` as a standalone SVG (error correction M, a 4-module quiet
    zone, 8 px a module). Drawing one costs about 7 ms of CPU: the last 1,024 are kept
    (about 1.6 kB each)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=8, border=4, title=url, svgclass=None, lineclass=None
    )
    return out.getvalue()


async def trace_qr(request: Request) -> Response:
    """`/qr/{code}.svg`: the QR code of the code's page."""
    lang = _lang(request)
    found = await _read(request, lang, everything=False)
    if isinstance(found, Response):
        return found
    url = trace_url(request.app.state.settings.public_base_url, found["traceCode"])
    return Response(qr_svg(url), media_type="image/svg+xml", headers=_headers(QR_AGE_S))


# The files the pages load, by the name they ask for, and their types.
ASSETS = {
    "trace.css": (STATIC / "trace.css", "text/css; charset=utf-8"),
    "trace-icon.svg": (STATIC / "trace-icon.svg", "image/svg+xml"),
}


async def asset(request: Request) -> Response:
    # A browser opening the QR code's SVG by itself asks for /favicon.ico.
    name = request.path_params.get("name", "trace-icon.svg")
    if name not in ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers=_headers(PAGE_AGE_S))


def routes() -> list[BaseRoute]:
    return [
        Route("/t/{code}", public(trace_page), methods=["GET"]),
        Route("/qr/{code}.svg", public(trace_qr), methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/favicon.ico", asset, methods=["GET"]),
    ]
