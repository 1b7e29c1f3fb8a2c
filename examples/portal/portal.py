"""An example customer center on Flask, guarded by ccroles.

Run it with ``make portal`` (or ``python examples/portal/portal.py``). It
serves the account of ``examples/account.toml`` on localhost, keeps the
sign-in state (wrong passwords, locks, reset links) in a SQLite file, and
prints its address and the example logins. The logins' password is a DEMO
password made up at start and printed: nothing secret is stored in the
repository.

The pages: sign in (with lockout and a reset link), a home page whose menu
shows exactly the features of the login's role, the invoices and the orders
of the login's own customer, a payment page, a quote-request page, and a
sales order page showing the fields a customer center role sees.

What it does that a portal copying it should keep:

- Every page is behind the guard of its feature, lists included; a record's
  page checks the login before it loads the record.
- Links in emails are built from the configured base URL (``--base-url``),
  never from the request's ``Host``, and requests for another host are
  refused (Flask's ``TRUSTED_HOSTS``).
- Every state-changing POST carries a CSRF token (Flask-WTF's
  ``CSRFProtect``) and must come from the portal's own origin; the session
  cookie is ``HttpOnly`` and ``SameSite=Lax`` (and ``Secure`` on https).
- A session ends at sign-out and when the login's password is reset: the
  cookie keeps the :class:`~ccroles.signin.Session` (its login and when it
  started); the guards ask the sign-in rules about it on every request
  (a password changed since it started ends it), and the portal refuses a
  session started before the login's last sign-out, replayed or not.
- Every answer carries the security headers of :data:`SECURITY_HEADERS`, and
  private pages are never cached.
- The administrator page (``/admin``) shows the login audit trail and
  unlocks locked logins through :class:`~ccroles.administration.Administration`,
  so each unlock (or its refusal) is recorded with the administrator and
  the client address. Only an administrator's session opens it.
- ``make portal`` serves it threaded, with a timeout on idle connections. In
  production, run :func:`create_app` under a WSGI server such as gunicorn
  behind a TLS-terminating proxy (see the portal developer's tutorial).
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import flask
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ccroles import (
    Engine,
    Password,
    ReasonCode,
    RecordType,
    Session,
    SignIn,
    SQLiteSignInStore,
    load_account,
    set_password,
)
from ccroles.access_emails import link_url
from ccroles.access_values import LoginId
from ccroles.administration import Actor, Administration, AdminPermission
from ccroles.audit import AuditKind, AuditQuery
from ccroles.exceptions import InvalidEmailError, NotPermittedError
from ccroles.guards import CHALLENGE, Gate
from ccroles.guards.flask import FlaskGuard
from ccroles.passwords import DEFAULT_SCRYPT, ScryptParams, hash_password
from ccroles.signin_links import token_digest
from ccroles.signin_store import LinkStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ccroles.guards import Denial

HERE = Path(__file__).parent
ACCOUNT = HERE.parent / "account.toml"

# The example logins: one per role of examples/account.toml that may sign in.
LOGINS = {
    "ap@acme.example": "ACME, role Customer Center",
    "books@acme.example": "ACME, role Accountant (no orders, no returns)",
    "purchasing@acme.example": "ACME, role Buyer (premium: quotes; no payments)",
    "orders@umbrella.example": "UMBRELLA, role Premium Customer Center",
}

# The example administrators: staff users of the account, not customers.
# They sign in on the same page with their own DEMO password; the role of
# admin@ holds every permission, the clerk's role lacks Manage Customer
# Access (so the clerk's unlock is refused, and the refusal recorded).
ADMINISTRATORS = {
    a.email: a
    for a in (
        Actor("admin@acme.example", "Administrator"),
        Actor("clerk@acme.example", "Sales Rep", {AdminPermission.IMPORT_CSV_FILE}),
    )
}
TRAIL_ROWS = 200  # the administrator page shows the newest events only

# Where a feature's page is, for the menu; the role's other features are
# listed as part of the role, without a link (the example has no page for
# them).
PAGES = {
    "Make a Payment": "pay",
    "See All Transactions": "invoices",
    "See Orders": "orders",
    "Quote Request and Approval": "quotes",
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A reset page's URL holds its token: never sent to another site (and
    # "no-referrer" would make the browser send "Origin: null" on our forms).
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
"""Sent with every answer: no framing, no sniffing, no referrer, own styles."""

SESSION_LIFETIME = timedelta(hours=8)
IDLE_TIMEOUT = 10.0  # seconds a connection may stay silent


@dataclass(frozen=True)
class Invoice:
    """An invoice of the example's made-up ledger."""

    number: str
    customer_internal_id: str
    amount: str


@dataclass(frozen=True)
class Order:
    """A sales order of the example's made-up ledger: its form's field values."""

    number: str
    customer_internal_id: str
    values: Mapping[str, str]
    record_type: RecordType = RecordType.SALES_ORDER


INVOICES = {
    i.number: i
    for i in (
        Invoice("INV-1001", "101", "1,200.00"),
        Invoice("INV-1002", "101", "310.50"),
        Invoice("INV-2001", "104", "9,999.00"),
    )
}


def _order(number: str, owner: str, items: str, terms: str) -> Order:
    values = {
        "Order #": number,
        "Items": items,
        "Sales Rep": "Pat Lee (staff only)",
        "Terms": terms,
    }
    return Order(number, owner, values)


ORDERS = {
    o.number: o
    for o in (
        _order("SO-501", "101", "12 anvils", "Net 30"),
        _order("SO-502", "101", "1 rocket skate", "Net 30"),
        _order("SO-601", "104", "400 umbrellas", "Net 60"),
    )
}


@dataclass(frozen=True)
class AdminDenial:
    """A refusal of the administrator page, shown as the guards' denials are."""

    status: int
    message: str


def find_invoice(number: str) -> Invoice | None:
    """The invoice of the URL, or ``None`` (404)."""
    return INVOICES.get(number)


def find_order(number: str) -> Order | None:
    """The order of the URL, or ``None`` (404)."""
    return ORDERS.get(number)


@dataclass
class Mailer:
    """Stands in for the portal's mail: a real portal sends these as emails."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, text: str) -> None:
        """Keep the email, and show it on the console (the demo's mail box)."""
        self.sent.append((to, text))
        print(f"[demo mail to {to}] {text}", flush=True)  # noqa: T201


@dataclass
class SessionEnds:
    """When each login's sessions last ended at a sign-out.

    A session started at or before that moment is over, whatever its cookie
    says. Kept in memory: the demo is one process, and its cookies' key is
    new at each start. A portal of several processes keeps it in its
    database.
    """

    ended: dict[str, datetime] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def end(self, email: str, when: datetime) -> None:
        """End every session of *email* started up to *when*."""
        with self.lock:
            self.ended[email.casefold()] = when

    def over(self, email: str, started: datetime) -> bool:
        """Whether a session of *email* started at *started* has ended."""
        with self.lock:
            ended = self.ended.get(email.casefold())
        return ended is not None and started <= ended


def origin_of(url: str) -> str:
    """The origin (scheme, host, port) of an absolute URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; absolute https, or http on localhost.

    The library's rule for the links it builds
    (:func:`ccroles.access_emails.link_url`) is checked at start, not at the
    first email.

    Raises:
        InvalidFieldError: Not absolute https (http on localhost only).
        ValueError: A query or fragment: the portal adds its pages' paths.
    """
    link_url(base_url, "start-up-check")
    parts = urlsplit(base_url)
    if parts.query or parts.fragment:
        message = f"the base URL may not have a query or fragment: {base_url!r}"
        raise ValueError(message)
    return base_url.rstrip("/")


def create_app(  # noqa: C901, PLR0913, PLR0915 (one page per nested function)
    store_path: Path,
    password: str,
    *,
    base_url: str,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    mailer: Mailer | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    admin_password: str | None = None,
) -> flask.Flask:
    """The portal over *store_path*, every example login's password *password*.

    *base_url* is where the portal is served (``https://shop.example/portal``):
    the only source of the links it mails, and the only host it answers.
    *admin_password* is the password of the :data:`ADMINISTRATORS` (none
    of them may sign in without it).
    """
    base = check_base_url(base_url)
    account = load_account(ACCOUNT)
    for email in LOGINS:
        secret = Password(password)
        login = LoginId.of(account.login(email))
        account = set_password(account, login, secret, secret, scrypt=scrypt)
    engine = Engine(account)
    store = SQLiteSignInStore(store_path)
    mail = mailer if mailer is not None else Mailer()
    staff = {
        email: hash_password(Password(admin_password), scrypt)
        for email in ADMINISTRATORS
        if admin_password is not None
    }
    sessions = SessionEnds()
    # The sign-in rules hold the engine with the passwords; a reset swaps it.
    state = {"sign_in": SignIn(engine, store, scrypt=scrypt, clock=clock)}

    app = flask.Flask(__name__, template_folder=str(HERE / "templates"))
    app.secret_key = secrets.token_bytes(32)  # sessions end when the demo stops
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=base.startswith("https:"),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        TRUSTED_HOSTS=[urlsplit(base).hostname],
        WTF_CSRF_SSL_STRICT=True,
    )
    CSRFProtect(app)

    def session_of(_: flask.Request) -> Session | None:
        """The cookie's session, unless it started before the login's last sign-out.

        The guards ask the sign-in rules whether it still holds.
        """
        email = flask.session.get("email")
        started = flask.session.get("started")
        if not isinstance(email, str) or not isinstance(started, str):
            return None
        try:
            session = Session(email, datetime.fromisoformat(started))
        except ValueError:  # not a date, or a naive one
            return None
        if sessions.over(email, session.started):
            return None
        return session

    def login() -> str | None:
        """The email of the request's session while it holds, else ``None``."""
        who = guard.gate.signed_in(guard.login())
        return who if isinstance(who, str) else None

    def administrator() -> Actor | None:
        """The administrator of the request's session, unless signed out since."""
        email = flask.session.get("admin")
        started = flask.session.get("started")
        if not isinstance(email, str) or not isinstance(started, str):
            return None
        try:
            since = datetime.fromisoformat(started)
        except ValueError:
            return None
        if since.utcoffset() is None or sessions.over(email, since):
            return None
        return ADMINISTRATORS.get(email)

    def admin_refusal(message: str | None = None) -> tuple[str, int, dict[str, str]]:
        """401 for nobody, 403 for a customer or an actor refused (*message*)."""
        if message is None and login() is None:
            status, message = 401, "Please sign in first."
            extra = {"WWW-Authenticate": CHALLENGE}
        else:
            status, extra = 403, {}
            message = message or "This page is for the account's administrators."
        page = flask.render_template("denied.html", denial=AdminDenial(status, message))
        return page, status, extra

    def denial_page(denial: Denial) -> str:
        return flask.render_template("denied.html", denial=denial)

    guard = FlaskGuard(
        app, Gate(engine, state["sign_in"]), session_of, page=denial_page
    )

    @app.before_request
    def same_origin_posts() -> flask.Response | None:
        """A POST from another origin is refused, token or not."""
        if flask.request.method != "POST":
            return None
        origin = flask.request.headers.get("Origin")
        if origin is not None and origin != origin_of(base):
            return flask.make_response(
                flask.render_template(
                    "refused.html", message="This form was sent from another site."
                ),
                400,
            )
        return None

    @app.errorhandler(CSRFError)
    def stale_form(_: CSRFError) -> tuple[str, int]:
        message = (
            "This form has expired or was sent from another site. "
            "Reload the page and try again."
        )
        return flask.render_template("refused.html", message=message), 400

    @app.after_request
    def headers(response: flask.Response) -> flask.Response:
        response.headers.update(SECURITY_HEADERS)
        if flask.request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if base.startswith("https:"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.context_processor
    def menu() -> dict[str, object]:
        email = login()
        found = None if email is None else guard.gate.engine.account.find_login(email)
        return {
            "pages": PAGES,
            "email": None if found is None else email,
            "admin": administrator(),
            "customer": None if found is None else found.customer.customer_id,
            "role": None if found is None else found.role,
        }

    @app.get("/")
    def home() -> str | flask.Response:
        if login() is None:
            if administrator() is not None:
                return flask.redirect(flask.url_for("admin"))  # type: ignore[return-value]
            return flask.redirect(flask.url_for("sign_in"))  # type: ignore[return-value]
        allowed = guard.features()
        areas = []
        catalogue = guard.gate.engine.features
        for name in catalogue:
            if catalogue[name].parent is None and name in allowed:
                here = [
                    child.name
                    for child in catalogue.children(name)
                    if child.name in allowed
                ]
                linked = [child for child in here if child in PAGES]
                other = [child for child in here if child not in PAGES]
                areas.append((name, linked, other))
        return flask.render_template("home.html", areas=areas)

    @app.route("/sign-in", methods=["GET", "POST"])
    def sign_in() -> str | flask.Response:
        message = None
        email = ""
        if flask.request.method == "POST":
            email = flask.request.form.get("email", "")
            given = Password(flask.request.form.get("password", ""))
            key = email.strip().casefold()
            if key in staff and staff[key].verify(given.reveal()):
                flask.session.clear()
                flask.session.permanent = True
                flask.session["admin"] = key
                flask.session["started"] = clock().isoformat()
                return flask.redirect(flask.url_for("admin"))  # type: ignore[return-value]
            attempt = state["sign_in"].attempt(email, given)
            codes = {reason.code for reason in attempt.decision.reasons}
            if attempt.session is not None:
                flask.session.clear()
                flask.session.permanent = True
                flask.session["email"] = attempt.session.login
                flask.session["started"] = attempt.session.started.isoformat()
                return flask.redirect(flask.url_for("home"))  # type: ignore[return-value]
            if ReasonCode.LOCKED in codes and attempt.state.locked_until is not None:
                until = attempt.state.locked_until
                message = (
                    f"Too many attempts. Try again after {until:%H:%M} UTC, "
                    "or ask your administrator."
                )
            elif ReasonCode.WRONG_PASSWORD in codes:
                message = "The email or the password is wrong."
            else:
                message = "Your access to the customer center is not active."
        return flask.render_template("sign_in.html", message=message, email=email)

    @app.post("/sign-out")
    def sign_out() -> flask.Response:
        email = login()
        acting = administrator()
        for who in (email, None if acting is None else acting.email):
            if who is not None:
                sessions.end(who, clock())
        flask.session.clear()
        return flask.redirect(flask.url_for("sign_in"))  # type: ignore[return-value]

    @app.route("/forgot", methods=["GET", "POST"])
    def forgot() -> str:
        sent = flask.request.method == "POST"
        if sent:
            email = flask.request.form.get("email", "")
            link = state["sign_in"].issue_reset_link(email)
            if link is not None:
                mail.send(email, link.url(f"{base}/reset"))
        return flask.render_template("forgot.html", sent=sent)

    def link_works(token: str) -> bool:
        use = store.peek_link(token_digest(token), clock())
        return use.status is LinkStatus.ACCEPTED

    @app.route("/reset", methods=["GET", "POST"])
    def reset() -> str | tuple[str, int]:
        token = flask.request.values.get("token", "")
        if not link_works(token):
            return flask.render_template("reset.html", token="", dead=True), 410
        message = None
        if flask.request.method == "POST":
            new = Password(flask.request.form.get("password", ""))
            confirm = Password(flask.request.form.get("confirm", ""))
            try:
                redeemed = state["sign_in"].redeem(token, new, confirm)
            except ValueError as error:  # a weak or mismatched password
                message = str(error)
            else:
                if not redeemed.allowed or redeemed.account is None:
                    return flask.render_template("reset.html", dead=True), 410
                # The new password's account: the login's older sessions end
                # (the sign-in rules see its credentials changed).
                state["sign_in"] = SignIn(
                    Engine(redeemed.account), store, scrypt=scrypt, clock=clock
                )
                guard.gate = Gate(state["sign_in"].engine, state["sign_in"])
                flask.session.clear()
                return flask.render_template("reset.html", done=True)
        return flask.render_template("reset.html", token=token, message=message)

    @app.get("/invoices")
    @guard.requires("See All Transactions")
    def invoices() -> str:
        own = guard.own("TRAN_CUSTINVC", INVOICES.values())
        return flask.render_template("invoices.html", invoices=own)

    @app.get("/invoices/<number>")
    @guard.requires("See All Transactions")
    @guard.requires_record("TRAN_CUSTINVC", find_invoice)
    def invoice(number: str, record: Invoice) -> str:
        del number
        return flask.render_template("invoice.html", invoice=record)

    @app.get("/orders")
    @guard.requires("See Orders")
    def orders() -> str:
        own = guard.own("TRAN_SALESORD", ORDERS.values())
        return flask.render_template("orders.html", orders=own)

    @app.get("/orders/<number>")
    @guard.requires("See Orders")
    @guard.requires_record("TRAN_SALESORD", find_order)
    def order(number: str, record: Order) -> str:
        del number
        view = guard.gate.engine.form_view(login() or "", record)
        return flask.render_template("order.html", order=record, view=view)

    @app.get("/pay")
    @guard.requires("Make a Payment")
    def pay() -> str:
        return flask.render_template("pay.html")

    @app.get("/quotes")
    @guard.requires("Quote Request and Approval")
    def quotes() -> str:
        return flask.render_template("quotes.html")

    @app.get("/admin")
    def admin() -> str | tuple[str, int, dict[str, str]]:
        """The login audit trail, newest first, and the locked logins."""
        actor = administrator()
        if actor is None:
            return admin_refusal()
        email = flask.request.args.get("email", "").strip()
        kind_name = flask.request.args.get("kind", "")
        kinds: tuple[AuditKind, ...] = ()
        if kind_name:
            try:
                kinds = (AuditKind(kind_name),)
            except ValueError:
                message = "No such kind of event."
                return flask.render_template("refused.html", message=message), 400, {}
        query = AuditQuery(email=email or None, kinds=kinds)
        events = list(reversed(store.events(query)))[:TRAIL_ROWS]
        locks = store.events(AuditQuery(kinds=(AuditKind.LOCK,)))
        candidates = dict.fromkeys([*LOGINS, *(e.login for e in locks if e.login)])
        locked = [
            (who, until)
            for who in candidates
            if (until := state["sign_in"].status(who).locked_until) is not None
        ]
        return flask.render_template(
            "admin.html",
            actor=actor,
            events=events,
            locked=locked,
            kinds=[k.value for k in AuditKind],
            email_filter=email,
            kind_filter=kind_name,
            utc=UTC,
        )

    @app.post("/admin/unlock")
    def unlock() -> flask.Response | tuple[str, int, dict[str, str]]:
        """Unlock a login as the signed-in administrator, recorded in the trail."""
        actor = administrator()
        if actor is None:
            return admin_refusal()
        acting = Administration(
            state["sign_in"], actor, client=flask.request.remote_addr
        )
        try:
            acting.unlock(flask.request.form.get("email", ""))
        except NotPermittedError as refused:
            return admin_refusal(str(refused))
        except InvalidEmailError:
            message = "That is not an email."
            return flask.render_template("refused.html", message=message), 400, {}
        return flask.redirect(flask.url_for("admin"))  # type: ignore[return-value]

    return app


class PortalRequestHandler(WSGIRequestHandler):
    """Closes a connection silent for :data:`IDLE_TIMEOUT` seconds; no versions."""

    timeout = IDLE_TIMEOUT

    def version_string(self) -> str:
        """The ``Server`` header: no server or Python version for a scanner."""
        return "portal"

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 (its name)
        """Log errors, not the closing of a silent connection (browsers keep some)."""
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)


def make_portal_server(
    host: str,
    port: int,
    make_app: Callable[[str], flask.Flask],
    *,
    timeout: float = IDLE_TIMEOUT,
) -> BaseWSGIServer:
    """A threaded server for the app ``make_app(base_url)`` builds.

    One thread per connection, and a connection silent for *timeout*
    seconds is closed, so an idle browser socket never holds the portal.
    The base URL is the server's own address (its port is known once bound).
    """
    handler = type("Handler", (PortalRequestHandler,), {"timeout": timeout})

    def not_ready(_environ: object, start: Callable[..., object]) -> list[bytes]:
        start("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"starting"]

    server = make_server(host, port, not_ready, threaded=True, request_handler=handler)
    server.app = make_app(f"http://{host}:{server.server_port}")
    return server


def main() -> None:
    """Start the portal on localhost and say where, with the example logins."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8017)
    parser.add_argument("--store", type=Path, help="the SQLite sign-in state file")
    parser.add_argument(
        "--base-url",
        help="where customers reach the portal, for the links it mails "
        "(default: its own address, http://127.0.0.1:PORT)",
    )
    arguments = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ccroles-portal-")
    store = arguments.store or Path(folder) / "sign-in.sqlite3"
    password = f"demo-{secrets.token_urlsafe(9)}"  # a DEMO password, new per start
    admin_password = f"demo-admin-{secrets.token_urlsafe(9)}"  # another DEMO one
    server = make_portal_server(
        "127.0.0.1",
        arguments.port,
        lambda own: create_app(
            store,
            password,
            base_url=arguments.base_url or own,
            admin_password=admin_password,
        ),
    )
    print(f"The example portal: http://127.0.0.1:{server.server_port}/")  # noqa: T201
    print(f"Sign-in state: {store}")  # noqa: T201
    print(f"Example logins (DEMO password for all: {password}):")  # noqa: T201
    for email, who in LOGINS.items():
        print(f"  {email:26} {who}")  # noqa: T201
    print(f"Administrators (DEMO password: {admin_password}), page /admin:")  # noqa: T201
    for email, actor in ADMINISTRATORS.items():
        print(f"  {email:26} role {actor.role}")  # noqa: T201
    print("Stop it with Ctrl-C.", flush=True)  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
