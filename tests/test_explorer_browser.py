"""The explorer page (api/explorer.py) in headless Chromium (tests/browser.py), against
the app on a loopback port and the suite's Neo4j with the demo story: what it draws is
what the API answers, for each role, and it asks nothing of any other origin."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from browser import SCREENSHOTS

from api.auth import Role, mint_token
from graph.testdb import wipe
from seeds.demo import FU_HOUSEHOLD, LIN, load_demo, story

AS_OF = dt.date(2026, 11, 1)
FANMAO_HOUSEHOLD = "4690011002010003"
TOKEN_KEY = "fupin.explorer.token"
GRAPH = "nodes { ref type label } edges { type from to }"
NEIGHBORHOOD = "query($ref: String!) { neighborhood(ref: $ref) { " + GRAPH + " } }"


@pytest.fixture(scope="module")
def demo_story(test_settings, driver, app_client) -> dt.date:
    """The demo, loaded once for the module (before its browser starts: see browser.py)."""
    from conftest import run_on_db

    wipe(driver)
    run_on_db(test_settings, lambda db: load_demo(db, AS_OF, say=lambda _: None))
    return AS_OF


class Explorer:
    """A page of the explorer in a fresh browser context, with what it asked for."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.goto(base + "/explore")

    def sign_in(self, token: str) -> None:
        self.page.fill("#token-input", token)
        self.page.click("#token-form button")
        self.page.wait_for_selector("#main", state="visible")

    def settled(self, condition: str = "true") -> None:
        # A function, not an expression: Playwright evals a string, which the page's
        # policy (no unsafe-eval) refuses.
        self.page.wait_for_function(
            f"() => document.body.dataset.pending === '0' && ({condition})", timeout=10_000
        )

    def search(self, key: str) -> None:
        self.page.fill("#search", key)
        self.page.click("#search-form button")
        self.settled(
            "document.getElementById('drawn-count').textContent !== '0' || "
            "!document.getElementById('error').hidden"
        )

    def drawn(self) -> set[str]:
        refs: list[str] = self.page.evaluate("fupinExplorer.cy.nodes().map(n => n.id())")
        listed = self.page.eval_on_selector_all("#drawn button", "bs => bs.map(b => b.dataset.ref)")
        assert sorted(refs) == sorted(listed)
        return set(refs)

    def drawn_edges(self) -> set[tuple[str, str, str]]:
        edges = self.page.evaluate(
            "fupinExplorer.cy.edges()"
            ".map(e => [e.data('type'), e.data('source'), e.data('target')])"
        )
        return {tuple(e) for e in edges}

    def at(self, ref: str) -> tuple[float, float]:
        """Where cytoscape drew the node, in the page."""
        x, y = self.page.evaluate(
            """ref => { const p = fupinExplorer.cy.getElementById(ref).renderedPosition();
                const box = document.getElementById('graph').getBoundingClientRect();
                return [box.left + p.x, box.top + p.y]; }""",
            ref,
        )
        return x, y

    def error(self) -> str:
        self.page.wait_for_selector("#error", state="visible")
        text: str = self.page.inner_text("#error")
        return text

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def explorer(demo_story, browser, live_url) -> Iterator[Any]:
    opened: list[Explorer] = []

    def open_page() -> Explorer:
        page = Explorer(browser, live_url)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        # Whatever a test did, the page threw nothing and broke no policy, and it asked
        # for nothing but the app's own origin.
        assert page.errors == [], page.errors
        assert page.requests and all(u.startswith(live_url + "/") for u in page.requests), (
            page.requests
        )
        page.close()


def ask(
    base: str, role: Role, settings: Any, query: str, _again: bool = True, **variables: Any
) -> Any:
    """The API asked directly, as `role`."""
    response = httpx2.post(
        base + "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {mint_token(settings, role)}"},
        timeout=30,
    )
    body = response.json()
    if _again and body.get("errors") and body["errors"][0]["extensions"].get("retryable"):
        return ask(base, role, settings, query, False, **variables)  # once more, as the page does
    assert "errors" not in body, body
    return body["data"]


def graph_of(
    base: str, settings: Any, role: Role, ref: str
) -> tuple[set[str], set[tuple[str, ...]]]:
    graph = ask(base, role, settings, NEIGHBORHOOD, ref=ref)["neighborhood"]
    return {n["ref"] for n in graph["nodes"]}, {
        (e["type"], e["from"], e["to"]) for e in graph["edges"]
    }


def test_without_a_token_only_the_token_box_shows(explorer):
    page = explorer()
    assert page.page.is_visible("#token-form")
    assert not page.page.is_visible("#main")
    assert not page.page.is_visible("#signed-in")


def test_an_auditor_sees_the_households_neighbourhood_and_clicking_grows_it(
    explorer, live_url, test_settings
):
    token = mint_token(test_settings, Role.AUDITOR)
    page = explorer()
    page.sign_in(token)
    page.search(FU_HOUSEHOLD)
    nodes, edges = graph_of(live_url, test_settings, Role.AUDITOR, f"Household:{FU_HOUSEHOLD}")
    types = {ref.split(":")[0] for ref in nodes}
    assert {"Household", "Person", "Official", "Region", "Visit"} <= types
    assert page.drawn() == nodes
    assert page.drawn_edges() == edges
    assert page.page.inner_text("#panel-title") == FU_HOUSEHOLD

    page.page.mouse.click(*page.at(f"Official:{LIN}"))
    more, more_edges = graph_of(live_url, test_settings, Role.AUDITOR, f"Official:{LIN}")
    assert more - nodes, "the official's neighbourhood adds the households paired with him"
    page.settled(
        f"Number(document.getElementById('drawn-count').textContent) === {len(nodes | more)}"
    )
    assert page.drawn() == nodes | more
    assert page.drawn_edges() == edges | more_edges
    assert page.page.inner_text("#panel-title") == "Lin Haitao"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENSHOTS / "explorer-auditor.png"))

    # The token is only in this tab's sessionStorage: not in localStorage, a cookie,
    # the URL, or any address the page asked for.
    assert page.page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") == token
    assert page.page.evaluate("JSON.stringify(Object.assign({}, localStorage))") == "{}"
    assert page.context.cookies() == []
    assert token not in page.page.url and all(token not in u for u in page.requests)
    page.page.click("#forget")
    assert page.page.evaluate("sessionStorage.length") == 0
    assert page.page.is_visible("#token-form") and not page.page.is_visible("#main")


def test_double_click_pins_and_paths_are_highlighted(explorer, live_url, test_settings):
    page = explorer()
    page.sign_in(mint_token(test_settings, Role.AUDITOR))
    page.search(FU_HOUSEHOLD)
    household = f"Household:{FU_HOUSEHOLD}"
    page.page.click("#path-from-here")
    page.page.mouse.dblclick(*page.at(household))
    page.settled()
    assert page.page.evaluate(f"fupinExplorer.cy.getElementById('{household}').locked()")

    other = "Household:4602031002010002"
    query = "query($f: String!, $t: String!) { paths(from: $f, to: $t) { " + GRAPH + " } }"
    paths = ask(live_url, Role.AUDITOR, test_settings, query, f=household, t=other)["paths"]
    assert paths
    page.page.click(f"#drawn button[data-ref='Official:{LIN}']")
    page.settled()
    page.page.click(f"#drawn button[data-ref='{other}']")
    page.settled()
    page.page.click("#path-to-here")
    page.page.click("#find-paths")
    page.settled()
    lit = set(page.page.evaluate("fupinExplorer.cy.nodes('.path').map(n => n.id())"))
    assert lit == {n["ref"] for path in paths for n in path["nodes"]}


def run_audit(base: str, settings: Any) -> None:
    """The file audit over Hainan (issue 18), until its run is done."""
    start = 'mutation { runAudit(input: {regionCode: "460000"}) { run { id } } }'
    run = ask(base, Role.AUDITOR, settings, start)["runAudit"]["run"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = ask(
            base,
            Role.AUDITOR,
            settings,
            "query($id: String!) { auditRun(id: $id) { status } }",
            id=run,
        )["auditRun"]["status"]
        if status != "RUNNING":
            assert status == "DONE"
            return
        time.sleep(0.2)
    raise AssertionError("the audit run did not finish")


def test_the_side_panel_shows_history_and_findings(explorer, live_url, test_settings):
    version = ask(
        live_url,
        Role.ADMIN,
        test_settings,
        "query($c: String!) { household(code: $c) { version } }",
        c=FANMAO_HOUSEHOLD,
    )["household"]["version"]
    update = (
        "mutation($i: UpdateHouseholdInput!) { updateHousehold(input: $i) "
        "{ household { version } } }"
    )
    ask(
        live_url,
        Role.ADMIN,
        test_settings,
        update,
        i={
            "code": FANMAO_HOUSEHOLD,
            "expectedVersion": version,
            "clientMutationId": "explorer-history-01",
            "address": "Fanmao team 3",
        },
    )
    run_audit(live_url, test_settings)

    page = explorer()
    page.sign_in(mint_token(test_settings, Role.AUDITOR))
    page.search(FANMAO_HOUSEHOLD)
    page.settled("document.querySelectorAll('#history li').length > 0")
    history = page.page.inner_text("#history")
    assert "updateHousehold" in history and "Fanmao team 3" in history

    findings = page.page.eval_on_selector_all("#findings li", "ls => ls.map(l => l.dataset.rule)")
    query = "query($c: String!) { household(code: $c) { findings { rule } } }"
    expected = ask(live_url, Role.AUDITOR, test_settings, query, c=FANMAO_HOUSEHOLD)
    rules = [f["rule"] for f in expected["household"]["findings"]]
    assert rules and findings == rules


def test_an_investigator_sees_masked_names_and_no_id_number(explorer, test_settings):
    rows = story(AS_OF)
    people = [m["person"] for m in rows["memberships"]]
    officials = [o["properties"] for o in rows["officials"]]
    secrets = {p["idNumber"] for p in people + officials if p.get("idNumber")} | {
        p["name"] for p in people
    }
    secrets |= {p["phone"] for p in people + officials if p.get("phone")}

    page = explorer()
    page.sign_in(mint_token(test_settings, Role.INVESTIGATOR))
    page.search(FU_HOUSEHOLD)
    people_drawn = page.page.eval_on_selector_all(
        "#drawn button[data-ref^='Person:']", "bs => bs.map(b => b.textContent)"
    )
    assert people_drawn and all(re.fullmatch(r"person: .\*\*", t) for t in people_drawn)
    # The panel of every person and official shown once, then nothing personal
    # anywhere in the page.
    for ref in sorted(r for r in page.drawn() if r.startswith(("Person:", "Official:"))):
        page.page.click(f"#drawn button[data-ref='{ref}']")
        page.settled()
    html = page.page.content()
    assert [s for s in secrets if s in html] == []


@pytest.mark.parametrize("role", [Role.FIELD_OFFICIAL, Role.REGION_OFFICER])
def test_a_role_that_may_not_explore_sees_forbidden(explorer, test_settings, role):
    scope = {Role.FIELD_OFFICIAL: LIN, Role.REGION_OFFICER: "460203"}[role]
    page = explorer()
    page.sign_in(mint_token(test_settings, role, scope=scope))
    page.search(FU_HOUSEHOLD)
    assert "FORBIDDEN" in page.error()
    assert page.drawn() == set()
