"""Pages tested in a real browser: Debian's Chromium (`make test` installs it when it is
missing, `make browser`), driven headless by Playwright for Python with
`executable_path`, never `playwright install` (it downloads browsers from outside the
package registries). The app runs in a thread on a free loopback port, against the
suite's Neo4j; the tests' fixtures (`live_url`, `browser`) are in conftest.py. Tests
that need the real server, as many processes as replicas, use `fupin_serve`.

Playwright's sync API keeps an event loop running in the main thread while it is
started, so `asyncio.run` (conftest's `run_on_db`, the `demo` fixture) fails then: a
browser module arranges its data before its `browser` fixture starts, or calls
`off_loop`.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import uvicorn

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FUPIN_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling hosts this machine
# cannot reach; Playwright gives every launch a new, empty profile (--user-data-dir).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Screenshots for people to look at (.data is git-ignored).
SCREENSHOTS = ROOT / ".data" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def live_app(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Served:
    """A `fupin serve` process: its base URL, and once it stopped what it wrote."""

    url: str
    output: str = ""


@contextlib.contextmanager
def fupin_serve(settings: Settings, count: int = 1, **env: str) -> Iterator[list[Served]]:
    """`count` real servers (`fupin serve`, each a process of its own, as replicas run)
    on free loopback ports against `settings`' Neo4j, started together; yields them once
    each answers /readyz, and stops them (SIGTERM) at the end."""
    fupin = os.path.join(os.path.dirname(sys.executable), "fupin")
    started: list[tuple[Served, subprocess.Popen[bytes], Any]] = []
    with contextlib.ExitStack() as logs:
        try:
            for _ in range(count):
                port = free_port()
                log = logs.enter_context(tempfile.TemporaryFile())
                variables = {
                    **os.environ,
                    "NEO4J_URI": settings.bolt_uri,
                    "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
                    "API_PORT": str(port),
                    "FUPIN_MODE": "development",
                    "FUPIN_QUERY_TIMEOUT_S": str(settings.query_timeout_s),
                    **env,
                }
                process = subprocess.Popen([fupin, "serve"], env=variables, stdout=log, stderr=log)
                started.append((Served(f"http://127.0.0.1:{port}"), process, log))
            for served, process, _ in started:
                _wait_ready(served.url, process)
            yield [served for served, _, _ in started]
        finally:
            for _, process, _ in started:
                process.terminate()
            for served, process, log in started:
                process.wait(timeout=30)
                log.seek(0)
                served.output = log.read().decode()


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    with httpx2.Client(base_url=url, timeout=5) as client:
        while True:
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"fupin serve did not get ready on {url}")
            time.sleep(0.2)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium under Playwright (a `playwright.sync_api.Browser`)."""
    path = shutil.which(CHROMIUM) or CHROMIUM
    if not Path(path).is_file():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: `make browser` installs Debian's package "
            "(or set FUPIN_CHROMIUM to another build)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def off_loop(work: Callable[[], Any]) -> Any:
    """`work()` in another thread: for asyncio.run while Playwright runs in this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
