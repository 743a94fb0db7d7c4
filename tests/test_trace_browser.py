"""The public trace page (api/pages.py) in headless Chromium (tests/browser.py) at a
phone's width, against the app on a loopback port and the suite's Neo4j with the demo:
what it shows is what publicTrace answers, nothing personal is in its source, it fits
360 px, and its QR code, drawn by the browser and decoded by zbarimg, is its URL."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import httpx2
import pytest
from browser import SCREENSHOTS
from test_pages import personal_values

from api.auth import Role, mint_token
from api.catalogue import TEXT, Lang
from api.pages import number
from graph.testdb import wipe
from graph.trace_code import trace_url
from seeds.demo import load_demo
from seeds.trade import BOTTLED_LOT, CHICKEN_LOT, TUNCHANG_HOUSEHOLD

AS_OF = dt.date(2026, 11, 1)
WIDTH = 360
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
PUBLIC_TRACE = """query($code: String!) { publicTrace(code: $code) {
  kind traceCode product { name category unit } producedOn quantity unit
  place { village { name } town { name } county { name } }
  cooperative { name } contributingHouseholds products { name } } }"""


@pytest.fixture(scope="module")
def demo_story(test_settings, driver, app_client) -> dt.date:
    """The demo, loaded once for the module (before its browser starts: see browser.py)."""
    from conftest import run_on_db

    wipe(driver)
    run_on_db(test_settings, lambda db: load_demo(db, AS_OF, say=lambda _: None))
    return AS_OF


@pytest.fixture()
def phone(demo_story, browser, live_url) -> Any:
    """A fresh phone-sized browser context; every page it opened asked only this origin
    and broke no policy (a CSP refusal is a console error)."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    seen: dict[str, list[str]] = {"requests": [], "errors": []}
    context.on("request", lambda r: seen["requests"].append(r.url))
    context.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    context.on("weberror", lambda e: seen["errors"].append(str(e.error)))
    yield context
    assert seen["errors"] == [], seen["errors"]
    assert seen["requests"] and all(u.startswith(live_url + "/") for u in seen["requests"])
    context.close()


def public_trace(base: str, code: str) -> Any:
    """publicTrace asked as the public does: no token."""
    response = httpx2.post(
        base + "/graphql", json={"query": PUBLIC_TRACE, "variables": {"code": code}}, timeout=30
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["publicTrace"]


def shown(page: Any, field: str) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        f"[data-field='{field}']", "es => es.map(e => e.textContent)"
    )
    return texts


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("code", [BOTTLED_LOT, CHICKEN_LOT])
def test_the_page_shows_public_trace_and_fits_a_phone(phone, live_url, demo_story, code, lang):
    expected = public_trace(live_url, code)
    page = phone.new_page()
    response = page.goto(f"{live_url}/t/{code}?lang={lang.value}")
    assert response is not None and response.status == 200
    source = response.text()

    assert shown(page, "product") == [expected["product"]["name"]]
    assert shown(page, "producedOn") == [expected["producedOn"]]
    assert shown(page, "quantity") == [number(expected["quantity"])]
    place = expected["place"]
    path = [place[k]["name"] for k in ("county", "town", "village")]
    assert page.eval_on_selector_all(".path li", "ls => ls.map(l => l.textContent)") == path
    cooperative = expected["cooperative"]
    assert shown(page, "cooperative") == ([cooperative["name"]] if cooperative else [])
    assert shown(page, "contributingHouseholds") == [str(expected["contributingHouseholds"])]
    assert shown(page, "products") == [p["name"] for p in expected["products"]]
    assert shown(page, "traceCode") == [expected["traceCode"]]
    labels = page.eval_on_selector_all("dt", "ds => ds.map(d => d.textContent)")
    assert TEXT[lang].households in labels and TEXT[lang].place in labels

    # Nothing personal in what the server sent nor in what the browser holds.
    secrets = personal_values(demo_story)
    assert [s for s in secrets if s in source or s in page.content()] == []

    # At 360 px nothing scrolls sideways, and the stylesheet was applied.
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert widths == [WIDTH, WIDTH, WIDTH], widths
    margin = page.eval_on_selector("body", "b => getComputedStyle(b).margin")
    assert margin == "0px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"trace-{code}-{lang.value}.png"), full_page=True)


@pytest.mark.parametrize("code", [BOTTLED_LOT, CHICKEN_LOT])
def test_the_qr_code_decodes_to_the_page(phone, live_url, test_settings, code):
    if not shutil.which(ZBARIMG):
        pytest.fail(f"no zbarimg at {ZBARIMG}: `make browser` installs Debian's zbar-tools")
    page = phone.new_page()
    response = page.goto(f"{live_url}/qr/{code.lower()}.svg")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"qr-{code}.png"
    page.screenshot(path=str(shot))
    decoded = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(shot)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert decoded == trace_url(test_settings.public_base_url, code)
    # And that URL's path is the page of the code.
    assert decoded.removeprefix(test_settings.public_base_url) == f"/t/{code}"


def test_a_cooperative_named_like_a_script_shows_its_name_as_text(phone, live_url, test_settings):
    name = "<script>alert(1)</script>"
    token = {"authorization": f"Bearer {mint_token(test_settings, Role.ADMIN)}"}
    for query, given in [
        (
            "mutation($i: CreateCooperativeInput!) { createCooperative(input: $i) "
            "{ cooperative { code } } }",
            {
                "clientMutationId": "browser-coop-0001",
                "code": "COOP-469022-08",
                "name": name,
                "villageCode": TUNCHANG_HOUSEHOLD[:12],
            },
        ),
        (
            "mutation($i: RegisterLotInput!) { registerLot(input: $i) { lot { traceCode } } }",
            {
                "clientMutationId": "browser-lot-0001",
                "productCode": "WILD-HONEY",
                "quantity": 5,
                "producedOn": "2026-10-20",
                "cooperativeCode": "COOP-469022-08",
            },
        ),
    ]:
        body = httpx2.post(
            live_url + "/graphql",
            json={"query": query, "variables": {"i": given}},
            headers=token,
            timeout=30,
        ).json()
        assert "errors" not in body, body
    lot = body["data"]["registerLot"]["lot"]["traceCode"]
    dialogs: list[str] = []
    page = phone.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_url}/t/{lot}")
    assert shown(page, "cooperative") == [name]
    assert page.eval_on_selector_all("script", "ss => ss.length") == 0
    assert dialogs == []
