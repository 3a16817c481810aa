"""Pages in a real browser: Debian's Chromium driven by Playwright, against the app served
over HTTP from a seeded SQLite register (the embedded default).

The register is seeded once per run (a few hundred organisations with reports, credit
lists, a dormant-organisation procedure, charities and trusts) on the fixed test day.
Screenshots go to tests/.artifacts/screenshots (ARTIFACTS_DIR overrides), kept by CI.
axe-core comes from npm (package.json) and is injected into the page under test, as a
script of the site's own origin (Playwright answers its URL), so that the pages' content
security policy stays on; a page that breaks the policy fails its test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry.config import PROJECT_ROOT
from tests.conftest import TEST_NOW, need_service

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", PROJECT_ROOT / "tests" / ".artifacts"))
#: the two widths every journey is run at
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: where the page loads axe-core from: answered by Playwright, never by the app
AXE_URL = "/__tests__/axe.min.js"
#: officers of the seeded register, for the workspace journeys
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Site:
    url: str
    app: Any
    clock: Any


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from registry import create_app
    from registry.clock import FixedClock
    from registry.demo.charities import seed_charities
    from registry.demo.dormant import seed_dormant
    from registry.demo.inspections import seed_inspections
    from registry.demo.seed import seed_register
    from registry.extensions import db

    folder = tmp_path_factory.mktemp("browser")
    clock = FixedClock(TEST_NOW)
    app = create_app(
        {
            "database_url": f"sqlite:///{folder / 'registry.sqlite3'}",
            "instance_path": folder,
            "testing": True,
            "password_hash_fast": True,
        },
        clock=clock,
    )
    with app.app_context():
        upgrade()
        summary = seed_register(db.session, clock, organisations=400, community=50)
        settings = app.extensions["registry.settings"]
        seed_inspections(db.session, clock, summary, settings=settings)
        seed_dormant(db.session, clock, summary, settings)
        seed_charities(db.session, clock, summary, settings)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", app, clock)
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        need_service("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any, site: Site) -> Iterator[Any]:
    """A fresh page (own cookies) at the desktop and at the phone width."""
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], base_url=site.url, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    if AXE.exists():
        context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE)))
    opened = context.new_page()
    opened.viewport_name = request.param  # type: ignore[attr-defined]
    refused: list[str] = []
    opened.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield opened
        assert refused == [], "the content security policy refused: " + " | ".join(refused)
    finally:
        context.close()


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot kept as a test artifact: <name>-<viewport>.png."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{getattr(page, 'viewport_name', 'page')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it stands."""
    if not AXE.exists():
        need_service("axe-core is not installed: run `npm ci` (make test does)")
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
