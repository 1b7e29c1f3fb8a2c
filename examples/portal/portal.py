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
sales order page showing the form fields a customer center role sees.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import flask
from werkzeug.serving import make_server

from ccroles import (
    Engine,
    Password,
    ReasonCode,
    RecordType,
    SignIn,
    SQLiteSignInStore,
    load_account,
    set_password,
)
from ccroles.guards import Gate
from ccroles.guards.flask import FlaskGuard
from ccroles.passwords import DEFAULT_SCRYPT, ScryptParams

HERE = Path(__file__).parent
ACCOUNT = HERE.parent / "account.toml"

# The example logins: one per role of examples/account.toml that may sign in.
LOGINS = {
    "ap@acme.example": "ACME, role Customer Center",
    "books@acme.example": "ACME, role Accountant (no orders, no returns)",
    "purchasing@acme.example": "ACME, role Buyer (premium: quotes; no payments)",
    "orders@umbrella.example": "UMBRELLA, role Premium Customer Center",
}

# Where the feature's page is, for the menu; the other features are listed
# without a link (the example has no page for them).
PAGES = {
    "Make a Payment": "pay",
    "See All Transactions": "invoices",
    "See Orders": "orders",
    "Quote Request and Approval": "quotes",
}


@dataclass(frozen=True)
class Invoice:
    """An invoice of the example's made-up ledger."""

    number: str
    customer_internal_id: str
    amount: str


@dataclass(frozen=True)
class Order:
    """A sales order of the example's made-up ledger."""

    number: str
    customer_internal_id: str
    items: str
    record_type: RecordType = RecordType.SALES_ORDER


INVOICES = {
    i.number: i
    for i in (
        Invoice("INV-1001", "101", "1,200.00"),
        Invoice("INV-1002", "101", "310.50"),
        Invoice("INV-2001", "104", "9,999.00"),
    )
}
ORDERS = {
    o.number: o
    for o in (
        Order("SO-501", "101", "12 anvils"),
        Order("SO-502", "101", "1 rocket skate"),
        Order("SO-601", "104", "400 umbrellas"),
    )
}


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


def create_app(  # noqa: C901, PLR0915 (one page per nested function)
    store_path: Path,
    password: str,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
    mailer: Mailer | None = None,
) -> flask.Flask:
    """The portal over *store_path*, every example login's password *password*."""
    account = load_account(ACCOUNT)
    for email in LOGINS:
        secret = Password(password)
        account = set_password(account, email, secret, secret, scrypt=scrypt)
    engine = Engine(account)
    store = SQLiteSignInStore(store_path)
    mail = mailer if mailer is not None else Mailer()
    # The sign-in rules hold the engine with the passwords; a reset swaps it.
    state = {"sign_in": SignIn(engine, store, scrypt=scrypt)}

    app = flask.Flask(__name__, template_folder=str(HERE / "templates"))
    app.secret_key = secrets.token_bytes(32)  # sessions end when the demo stops
    guard = FlaskGuard(
        app, Gate(engine, state["sign_in"]), lambda _: flask.session.get("email")
    )

    @app.context_processor
    def menu() -> dict[str, object]:
        email = guard.login()
        login = None if email is None else engine.account.find_login(email)
        return {
            "catalogue": list(engine.features),
            "pages": PAGES,
            "email": email,
            "role": None if login is None else login.role,
        }

    @app.get("/")
    def home() -> str | flask.Response:
        if guard.login() is None:
            return flask.redirect(flask.url_for("sign_in"))  # type: ignore[return-value]
        return flask.render_template("home.html")

    @app.route("/sign-in", methods=["GET", "POST"])
    def sign_in() -> str | flask.Response:
        message = None
        if flask.request.method == "POST":
            email = flask.request.form.get("email", "")
            given = Password(flask.request.form.get("password", ""))
            attempt = state["sign_in"].attempt(email, given)
            codes = {reason.code for reason in attempt.decision.reasons}
            if attempt.allowed:
                flask.session["email"] = email
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
        return flask.render_template("sign_in.html", message=message)

    @app.post("/sign-out")
    def sign_out() -> flask.Response:
        flask.session.clear()
        return flask.redirect(flask.url_for("sign_in"))  # type: ignore[return-value]

    @app.route("/forgot", methods=["GET", "POST"])
    def forgot() -> str:
        sent = flask.request.method == "POST"
        if sent:
            email = flask.request.form.get("email", "")
            link = state["sign_in"].issue_reset_link(email)
            if link is not None:
                mail.send(email, link.url(flask.url_for("reset", _external=True)))
        return flask.render_template("forgot.html", sent=sent)

    @app.route("/reset", methods=["GET", "POST"])
    def reset() -> str:
        token = flask.request.values.get("token", "")
        message = None
        if flask.request.method == "POST":
            new = Password(flask.request.form.get("password", ""))
            confirm = Password(flask.request.form.get("confirm", ""))
            try:
                redeemed = state["sign_in"].redeem(token, new, confirm)
            except ValueError as error:  # a weak or mismatched password
                message = str(error)
            else:
                if redeemed.accepted and redeemed.account is not None:
                    state["sign_in"] = SignIn(
                        Engine(redeemed.account), store, scrypt=scrypt
                    )
                    message = "Your password is set. Sign in with it."
                else:
                    message = "This link no longer works; ask for a new one."
        return flask.render_template("reset.html", token=token, message=message)

    @app.get("/invoices")
    def invoices() -> str:
        own = guard.own("TRAN_CUSTINVC", INVOICES.values())
        return flask.render_template("invoices.html", invoices=own)

    @app.get("/invoices/<number>")
    @guard.requires_record("TRAN_CUSTINVC", find_invoice)
    def invoice(number: str, record: Invoice) -> str:
        del number
        return flask.render_template("invoice.html", invoice=record)

    @app.get("/orders")
    def orders() -> str:
        own = guard.own("TRAN_SALESORD", ORDERS.values())
        return flask.render_template("orders.html", orders=own)

    @app.get("/orders/<number>")
    @guard.requires_record("TRAN_SALESORD", find_order)
    def order(number: str, record: Order) -> str:
        del number
        view = engine.form_view(guard.login() or "", record)
        return flask.render_template("order.html", order=record, view=view)

    @app.get("/pay")
    @guard.requires("Make a Payment")
    def pay() -> str:
        return flask.render_template("pay.html")

    @app.get("/quotes")
    @guard.requires("Quote Request and Approval")
    def quotes() -> str:
        return flask.render_template("quotes.html")

    return app


def main() -> None:
    """Start the portal on localhost and say where, with the example logins."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8017)
    parser.add_argument("--store", type=Path, help="the SQLite sign-in state file")
    arguments = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ccroles-portal-")
    store = arguments.store or Path(folder) / "sign-in.sqlite3"
    password = f"demo-{secrets.token_urlsafe(9)}"  # a DEMO password, new per start
    server = make_server("127.0.0.1", arguments.port, create_app(store, password))
    print(f"The example portal: http://127.0.0.1:{server.server_port}/")  # noqa: T201
    print(f"Sign-in state: {store}")  # noqa: T201
    print(f"Example logins (DEMO password for all: {password}):")  # noqa: T201
    for email, who in LOGINS.items():
        print(f"  {email:26} {who}")  # noqa: T201
    print("Stop it with Ctrl-C.", flush=True)  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
