"""The example portal (examples/portal/): Flask's test client, then Chromium.

The browser tests drive Debian's ``chromium`` through Playwright (no browser
download); without it they are skipped, saying how to install it.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from ccroles.passwords import ScryptParams
from tests.guarded import ENGINE, ROOT

if TYPE_CHECKING:
    import types
    from collections.abc import Iterator

    import flask

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-test-4417"  # noqa: S105 (a DEMO password of the tests' own portal)
AP, BOOKS, BUYER = "ap@acme.example", "books@acme.example", "purchasing@acme.example"
CHEAP = ScryptParams(n=2**4)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium: apt-get install chromium",
)


def load_portal() -> types.ModuleType:
    """The example portal's module, loaded from its file."""
    path = ROOT / "examples" / "portal" / "portal.py"
    spec = importlib.util.spec_from_file_location("ccroles_example_portal", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PORTAL = load_portal()


def menu_of(email: str) -> list[str]:
    """The features the feature matrix gives the login's role, in menu order."""
    login = ENGINE.account.find_login(email)
    assert login is not None
    assert login.role is not None
    role = ENGINE.account.role(login.role)
    return [name for name in ENGINE.features if ENGINE.features.allows(role, name)]


@pytest.fixture
def app(tmp_path: Path) -> flask.Flask:
    """A fresh portal over a new SQLite sign-in file."""
    portal: flask.Flask = PORTAL.create_app(
        tmp_path / "sign-in.sqlite3", PASSWORD, scrypt=CHEAP
    )
    return portal


def test_menus_follow_the_feature_matrix(app: flask.Flask) -> None:
    """Each login's home page lists exactly its role's features."""
    for email in (AP, BOOKS, BUYER):
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": PASSWORD})
        home = client.get("/").text
        assert re.findall(r'data-feature="([^"]+)"', home) == menu_of(email)


def test_pages_refuse_as_the_roles_say(app: flask.Flask) -> None:
    """Payment, quotes, orders and another customer's invoice, per role."""
    status = {}
    for email in (AP, BOOKS, BUYER):
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": PASSWORD})
        for page in ("/pay", "/quotes", "/orders/SO-501", "/invoices/INV-2001"):
            status[email, page] = client.get(page).status_code
    assert status == {
        (AP, "/pay"): 200,
        (AP, "/quotes"): 403,
        (AP, "/orders/SO-501"): 200,
        (AP, "/invoices/INV-2001"): 403,
        (BOOKS, "/pay"): 200,
        (BOOKS, "/quotes"): 403,
        (BOOKS, "/orders/SO-501"): 403,
        (BOOKS, "/invoices/INV-2001"): 403,
        (BUYER, "/pay"): 403,
        (BUYER, "/quotes"): 200,
        (BUYER, "/orders/SO-501"): 200,
        (BUYER, "/invoices/INV-2001"): 403,
    }


def test_lists_and_order_form_are_the_customers_own(app: flask.Flask) -> None:
    """ACME sees ACME's invoices and orders, and the external form's fields."""
    client = app.test_client()
    client.post("/sign-in", data={"email": AP, "password": PASSWORD})
    invoices = re.findall(r">(INV-\d+)<", client.get("/invoices").text)
    orders = re.findall(r">(SO-\d+)<", client.get("/orders").text)
    fields = re.findall(r"<li>([^<]+)</li>", client.get("/orders/SO-501").text)
    assert (invoices, orders) == (["INV-1001", "INV-1002"], ["SO-501", "SO-502"])
    assert fields == ["Order #", "Items", "Terms"]
    assert client.get("/").status_code == 200
    client.post("/sign-out")
    assert client.get("/pay").status_code == 401


def test_reset_link_sets_a_new_password(app: flask.Flask, tmp_path: Path) -> None:
    """A reset link works once and the new password signs in."""
    mailer = PORTAL.Mailer()
    portal = PORTAL.create_app(
        tmp_path / "other.sqlite3", PASSWORD, scrypt=CHEAP, mailer=mailer
    )
    client = portal.test_client()
    client.post("/forgot", data={"email": BUYER})
    client.post("/forgot", data={"email": "nobody@example.com"})
    [(to, link)] = mailer.sent
    token = link.partition("token=")[2]
    new = {"token": token, "password": "new-plum-77", "confirm": "new-plum-77"}
    weak = client.post("/reset", data=new | {"password": "x", "confirm": "x"})
    first = client.post("/reset", data=new)
    again = client.post("/reset", data=new)
    signed = client.post("/sign-in", data={"email": BUYER, "password": "new-plum-77"})
    assert to == BUYER
    assert "password" in weak.text
    assert "Your password is set." in first.text
    assert "This link no longer works" in again.text
    assert signed.headers["Location"] == "/"
    del app


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal served on a free local port; its address."""
    store = tmp_path_factory.mktemp("portal") / "sign-in.sqlite3"
    portal = PORTAL.create_app(store, PASSWORD, scrypt=CHEAP)
    server = make_server("127.0.0.1", 0, portal, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, Debian's, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(browser: Browser, base: str, email: str, password: str) -> Page:
    """A new browser page, after signing in as *email*."""
    page = browser.new_page(viewport={"width": 520, "height": 860})
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


@needs_chromium
def test_browser_signs_in_sees_menus_refusals_and_a_lock(
    served: str, browser: Browser
) -> None:
    """Two roles' menus differ as the matrix says; a foreign invoice; a lock."""
    ap = sign_in(browser, served, AP, PASSWORD)
    buyer = sign_in(browser, served, BUYER, PASSWORD)
    menus = {
        email: page.locator("#menu li").all_inner_texts()
        for email, page in ((AP, ap), (BUYER, buyer))
    }
    assert menus == {AP: menu_of(AP), BUYER: menu_of(BUYER)}
    assert menus[AP] != menus[BUYER]
    refused = ap.goto(f"{served}/invoices/INV-2001")
    assert refused is not None
    assert refused.status == 403
    assert "It belongs to another customer." in ap.inner_text("main")
    payment = buyer.goto(f"{served}/pay")
    assert payment is not None
    assert payment.status == 403
    assert "Make a Payment is not available to you." in buyer.inner_text("main")
    guesser = browser.new_page()
    messages = []
    for guess in [f"wrong-guess-{n}" for n in range(5)] + [PASSWORD]:
        guesser.goto(f"{served}/sign-in")
        guesser.fill("input[name=email]", BOOKS)
        guesser.fill("input[name=password]", guess)
        guesser.click("button[type=submit]")
        messages.append(guesser.inner_text("#message"))
    assert messages[:4] == ["The email or the password is wrong."] * 4
    assert messages[4].startswith("Too many attempts. Try again after ")
    assert messages[5] == messages[4]  # even the right password, while locked


@pytest.mark.skipif(
    os.environ.get("CCROLES_SCREENSHOT") != "1" or not CHROMIUM.exists(),
    reason="optional: needs chromium and CCROLES_SCREENSHOT=1 (make screenshot)",
)
def test_browser_screenshot_of_two_roles_home_pages(
    served: str, browser: Browser, tmp_path: Path
) -> None:
    """The home pages of two roles, side by side, for the docs' front page."""
    shots = []
    for email in (AP, BUYER):
        page = sign_in(browser, served, email, PASSWORD)
        shots.append(base64.b64encode(page.screenshot()).decode())
    board = browser.new_page(viewport={"width": 1060, "height": 860})
    board.set_content(
        '<body style="margin:0;display:flex;gap:20px;background:#c9d1db">'
        + "".join(f'<img src="data:image/png;base64,{shot}">' for shot in shots)
        + "</body>"
    )
    png = Path(os.environ.get("CCROLES_PORTAL_SCREENSHOT_FILE", tmp_path / "p.png"))
    board.screenshot(path=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
