"""The public trace page and its QR code (api/pages.py, issue 23) over HTTP, on the demo:
what each language shows, the refusals, the headers, escaping, nothing personal, open
to anyone in production too. The page in a real browser and the QR code decoded:
tests/test_trace_browser.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from conftest import production_settings
from starlette.testclient import TestClient

from api import pages
from api.app import create_app
from api.auth import Role
from api.catalogue import TEXT, Lang, choose
from api.ratelimit import BURST, TokenBuckets
from api.schema import schema
from graph.trace_code import TraceKind, new, trace_url
from seeds.demo import story
from seeds.trade import (
    BLENDED_LOT,
    BOTTLED_LOT,
    CHICKEN_LOT,
    COOPERATIVE_NAME,
    COOPERATIVE_TRACE,
    HONEY_LOTS,
    HOUSEHOLD_TRACES,
    TUNCHANG_HOUSEHOLD,
)

ALL_CODES = [*HONEY_LOTS, BLENDED_LOT, BOTTLED_LOT, CHICKEN_LOT, COOPERATIVE_TRACE,
             *HOUSEHOLD_TRACES.values()]  # fmt: skip
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'",
    "cache-control": "public, max-age=300",
    "x-content-type-options": "nosniff",
}


def personal_values(as_of: dt.date) -> set[str]:
    """The demo's members' names, ID numbers, phones and addresses, and its household
    codes: none may appear on a public page."""
    rows = story(as_of)
    people = [m["person"] for m in rows["memberships"]]
    found = {p["name"] for p in people} | {p["idNumber"] for p in people}
    found |= {p["phone"] for p in people if p.get("phone")}
    for household in rows["households"]:
        found.add(household["code"])
        props = household["properties"]
        found |= {str(props[k]) for k in ("address", "headPhone") if props.get(k)}
    return found


def text_of(html: str, field: str) -> list[str]:
    """The texts of the elements marked data-field="field", tags stripped."""
    found = re.findall(rf'<(\w+)[^>]* data-field="{field}"[^>]*>(.*?)</\1>', html, re.S)
    return [re.sub(r"<[^>]+>", "", inner) for _, inner in found]


def page(app_client: Any, code: str, **headers: str) -> Any:
    response = app_client.get(f"/t/{code}", headers=headers)
    assert "set-cookie" not in response.headers
    return response


def test_the_bottled_honey_in_chinese(app_client, demo, fresh_limit):
    response = page(app_client, BOTTLED_LOT, **{"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert {k: response.headers[k] for k in HEADERS} == HEADERS
    assert response.headers["content-language"] == "zh"
    assert "accept-language" in response.headers["vary"].lower()
    html = response.text
    assert '<html lang="zh-Hans">' in html
    zh = TEXT[Lang.ZH]
    for label in (zh.product, zh.produced_on, zh.place, zh.cooperative, zh.households):
        assert f"<dt>{label}</dt>" in html
    assert text_of(html, "product") == ["wild honey"]
    assert text_of(html, "producedOn") == ["2026-09-17"]
    assert text_of(html, "place") == ["BaishaYuanmenNanlao"]
    assert text_of(html, "cooperative") == [COOPERATIVE_NAME]
    assert text_of(html, "contributingHouseholds") == ["3"]
    assert "200</span> 瓶" in html and "(蜂蜜)" in html
    # No script, and nothing from another host.
    assert "<script" not in html and "http" not in html


def test_the_same_in_english(app_client, demo, fresh_limit):
    zh = page(app_client, BOTTLED_LOT, **{"accept-language": "zh-CN"}).text
    response = page(app_client, f"{BOTTLED_LOT}?lang=en", **{"accept-language": "zh-CN"})
    assert response.status_code == 200 and response.headers["content-language"] == "en"
    html = response.text
    assert '<html lang="en">' in html
    en = TEXT[Lang.EN]
    for label in (en.product, en.produced_on, en.place, en.cooperative, en.households):
        assert f"<dt>{label}</dt>" in html
    for field in ("product", "producedOn", "place", "cooperative", "contributingHouseholds"):
        assert text_of(html, field) == text_of(zh, field), field
    assert "200</span> bottles" in html and "(honey)" in html
    assert "?lang=zh" in html and "?lang=en" in html  # the switch


def test_the_chickens_and_the_cooperative(app_client, demo, fresh_limit):
    chickens = page(app_client, CHICKEN_LOT.lower(), **{"accept-language": "en"}).text
    assert text_of(chickens, "place") == ["TunchangXinxingMeiting"]
    assert text_of(chickens, "contributingHouseholds") == ["1"]
    assert text_of(chickens, "cooperative") == []  # sold directly
    assert text_of(chickens, "traceCode") == [CHICKEN_LOT]
    coop = page(app_client, COOPERATIVE_TRACE).text
    assert text_of(coop, "title") == [COOPERATIVE_NAME]
    assert text_of(coop, "contributingHouseholds") == ["3"]
    household = page(app_client, HOUSEHOLD_TRACES[TUNCHANG_HOUSEHOLD]).text
    assert text_of(household, "title") == [TEXT[Lang.EN].household_title]
    assert TUNCHANG_HOUSEHOLD not in household


@pytest.mark.parametrize(
    ("asked", "accept", "chosen"),
    [
        ("zh", "en-GB", Lang.ZH),
        ("en", "zh-CN", Lang.EN),
        ("fr", "zh-TW", Lang.ZH),
        (None, "zh", Lang.ZH),
        (None, "zh-Hant-HK;q=0.8, en;q=0.5", Lang.ZH),
        (None, "en-US,zh-CN;q=0.9", Lang.EN),
        (None, "fr;q=0.3, zh-CN;q=0.7", Lang.ZH),
        (None, "zhx, de", Lang.EN),
        (None, "zh;q=oops, en", Lang.EN),
        (None, None, Lang.EN),
        (None, "", Lang.EN),
    ],
)
def test_choosing_the_language(asked, accept, chosen):
    assert choose(asked, accept) is chosen


@pytest.mark.parametrize("lang", list(Lang))
def test_unknown_and_malformed_codes_in_each_language(app_client, demo, fresh_limit, lang):
    t = TEXT[lang]
    unknown = new(TraceKind.LOT)
    for path, status, title in [
        (f"/t/{unknown}", 404, t.not_found_title),
        ("/t/not-a-code", 400, t.malformed_title),
        (f"/t/{BOTTLED_LOT[:-1]}X", 400, t.malformed_title),  # a wrong check character
        ("/t/" + "F" * 300, 400, t.malformed_title),
        (f"/qr/{unknown}.svg", 404, t.not_found_title),
        ("/qr/not-a-code.svg", 400, t.malformed_title),
    ]:
        response = app_client.get(path, params={"lang": lang.value})
        assert response.status_code == status, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert text_of(response.text, "title") == [title], path
        assert "Traceback" not in response.text
        assert {k: response.headers[k] for k in HEADERS} == HEADERS
    assert unknown in app_client.get(f"/t/{unknown}", params={"lang": lang.value}).text


def test_the_qr_code(app_client, demo, fresh_limit, test_settings):
    response = app_client.get(f"/qr/{BOTTLED_LOT.lower()}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    svg = response.text
    url = trace_url(test_settings.public_base_url, BOTTLED_LOT)
    assert svg.startswith("<?xml") and "<svg" in svg and f"<title>{url}</title>" in svg
    assert "<script" not in svg
    head = app_client.head(f"/qr/{BOTTLED_LOT}.svg")
    assert head.status_code == 200 and head.headers["content-type"] == "image/svg+xml"


def test_a_cooperative_named_like_a_script_shows_as_text(api, demo, app_client, fresh_limit):
    name = "<script>alert(1)</script> & \"Co\" 'op'"
    coop = {"clientMutationId": "test-pages-coop-01", "code": "COOP-469022-09",
            "name": name, "villageCode": TUNCHANG_HOUSEHOLD[:12]}  # fmt: skip
    made = api.data(
        """mutation($input: CreateCooperativeInput!) { createCooperative(input: $input) {
        cooperative { traceCode } } }""",
        {"input": coop},
    )
    lot_input = {"clientMutationId": "test-pages-lot-01", "productCode": "WILD-HONEY",
                 "quantity": 2.5, "producedOn": "2026-10-20",
                 "cooperativeCode": "COOP-469022-09"}  # fmt: skip
    lot = api.data(
        """mutation($input: RegisterLotInput!) { registerLot(input: $input) {
        lot { traceCode } } }""",
        {"input": lot_input},
    )["registerLot"]["lot"]["traceCode"]
    for code in (lot, made["createCooperative"]["cooperative"]["traceCode"]):
        html = page(app_client, code).text
        assert "<script" not in html and "alert(1)</script>" not in html
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; &#x27;op&#x27;"
        assert escaped in html
    assert text_of(page(app_client, lot).text, "quantity") == ["2.5"]


def test_no_personal_value_on_any_page(app_client, demo, fresh_limit):
    secrets = personal_values(demo)
    for code in ALL_CODES:
        for lang in Lang:
            html = page(app_client, code, **{"accept-language": lang.value}).text
            assert [s for s in secrets if s in html] == [], code


def test_the_stylesheet_and_icon(app_client, graph):
    css = app_client.get("/static/trace.css")
    assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert "@import" not in css.text and "url(" not in css.text  # no font or image
    assert app_client.get("/static/trace-icon.svg").headers["content-type"] == "image/svg+xml"
    assert app_client.get("/static/nothing.css").status_code == 404
    assert app_client.get("/favicon.ico").headers["content-type"] == "image/svg+xml"


def test_open_to_anyone_in_production_without_a_token(test_settings, demo):
    production = production_settings(
        test_settings, FUPIN_PUBLIC_BASE_URL="https://trace.example.org/"
    )
    with TestClient(create_app(production, migrate=False)) as client:
        assert client.get(f"/t/{BOTTLED_LOT}").status_code == 200
        svg = client.get(f"/qr/{BOTTLED_LOT}.svg")
        assert svg.status_code == 200
        assert f"<title>https://trace.example.org/t/{BOTTLED_LOT}</title>" in svg.text


def test_anonymous_callers_are_limited_per_address(app_client, demo):
    state = app_client.app.state
    kept, state.limiter = state.limiter, TokenBuckets(1)
    try:
        statuses = [app_client.get(f"/t/{BOTTLED_LOT}").status_code for _ in range(BURST + 1)]
        assert statuses[:BURST] == [200] * BURST and statuses[BURST] == 429
        assert app_client.get(f"/qr/{BOTTLED_LOT}.svg").status_code == 429
        token = api_token(app_client)
        assert app_client.get(f"/t/{BOTTLED_LOT}", headers=token).status_code == 200
    finally:
        state.limiter = kept


def api_token(app_client: Any) -> dict[str, str]:
    from api.auth import mint_token

    return {"authorization": f"Bearer {mint_token(app_client.app.state.settings, Role.ADMIN)}"}


def test_public_trace_links_to_the_page():
    field = schema._schema.query_type.fields["publicTrace"]
    assert "/t/{code}" in field.description and "/qr/{code}.svg" in field.description


def test_render_is_pure_and_escapes():
    trace = {"kind": "COOPERATIVE", "traceCode": "<x>", "cooperative": {"name": "<b>"},
             "contributingHouseholds": 0, "products": []}  # fmt: skip
    html = pages.render(Lang.EN, trace)
    assert "<b>" not in html and "&lt;b&gt;" in html and "&lt;x&gt;" in html
