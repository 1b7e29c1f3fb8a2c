"""Flask guards: decorators for views, the login's records, menus in templates.

Needs the ``flask`` extra (``pip install 'ccroles[flask]'``; Flask's test
client needs nothing more). The application says how a request's login is
found (``login_of``); the guard never guesses. A refused request is answered
with the denial's body (see :class:`ccroles.guards.Denial`), or with the
application's own page for it (``page``), and templates get ``features``:
the names of the features the login's role may use, for the menu.

>>> import flask
>>> from ccroles import Engine, load_account
>>> from ccroles.guards import Gate
>>> app = flask.Flask("portal")
>>> guard = FlaskGuard(app, Gate(Engine(load_account("examples/account.toml"))),
...                    lambda request: request.headers.get("X-Login"))
>>> @app.get("/pay")
... @guard.requires("Make a Payment")
... def pay() -> str:
...     return "Pay your invoices"
>>> client = app.test_client()
>>> client.get("/pay", headers={"X-Login": "ap@acme.example"}).status_code
200
>>> client.get("/pay", headers={"X-Login": "purchasing@acme.example"}).status_code
403
>>> client.get("/pay").headers["WWW-Authenticate"]
'Session realm="customer center"'
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import attrs
import flask

from ccroles.guards import HTML
from ccroles.permissions import Level, Permission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ccroles.features import Feature
    from ccroles.guards import Denial, Gate, SignedIn
    from ccroles.records import OwnedRecord

__all__ = ["FlaskGuard"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
_R = TypeVar("_R", bound="OwnedRecord")


@attrs.define
class FlaskGuard:
    """Guards for one Flask application.

    Building it adds a context processor to *app*: templates get
    ``features``, the feature names the signed-in login may use (empty when
    nobody is signed in).

    Attributes:
        app: The application.
        gate: Asks the engine (and the sign-in state, if given). Assign a
            new gate when the account changes (a password reset, a reloaded
            file): the next request asks it.
        login_of: Turns a request into its login, ``None`` when nobody is
            signed in.
        page: Renders the HTML page of a denial, with the application's
            own layout (its header, a way home, a sign-in link on a 401);
            ``None`` answers with the denial's own plain page. A client
            that prefers JSON gets the denial's JSON either way.
    """

    app: flask.Flask
    gate: Gate
    login_of: Callable[[flask.Request], SignedIn]
    page: Callable[[Denial], str] | None = None

    def __attrs_post_init__(self) -> None:
        """Give the templates the login's features."""
        self.app.context_processor(lambda: {"features": self.features()})

    def login(self) -> SignedIn:
        """The login of the request being handled."""
        return self.login_of(flask.request)

    def features(self) -> frozenset[str]:
        """The feature names the request's login may use."""
        return self.gate.features_of(self.login())

    def requires(
        self, feature: str | Feature
    ) -> Callable[[Callable[_P, _T]], Callable[_P, _T | flask.Response]]:
        """Decorate a view: it runs only when the login may use *feature*.

        Raises:
            UnknownFeatureError: No feature has that name (when declared).
        """
        name = self.gate.feature(feature)

        def decorate(view: Callable[_P, _T]) -> Callable[_P, _T | flask.Response]:
            @functools.wraps(view)
            def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _T | flask.Response:
                denial = self.gate.check_feature(self.login(), name)
                if denial is not None:
                    return self._response(denial)
                return view(*args, **kwargs)

            return guarded

        return decorate

    def requires_record(
        self,
        permission: str | Permission,
        load: Callable[..., OwnedRecord | None],
        level: Level | str = Level.VIEW,
    ) -> Callable[[Callable[..., _T]], Callable[..., _T | flask.Response]]:
        """Decorate a view: it runs only when the login may reach the record.

        *load* is called with the view's URL arguments and returns the
        record (``None``: 404). The view gets it as the keyword ``record``.
        When nobody is signed in the answer is 401 before *load* is called,
        so the status never tells whether the record exists.

        Raises:
            UnknownPermissionError: No permission has that key (when declared).
            InvalidLevelError: *level* spells no level (when declared).
        """
        key, needed = self.gate.permission(permission, level)

        def decorate(view: Callable[..., _T]) -> Callable[..., _T | flask.Response]:
            @functools.wraps(view)
            def guarded(**kwargs: object) -> _T | flask.Response:
                login = self.login()
                denial = self.gate.check_signed_in(login, key, needed)
                if denial is not None:
                    return self._response(denial)
                record = load(**kwargs)
                if record is None:
                    flask.abort(404)
                denial = self.gate.check_record(login, key, record, needed)
                if denial is not None:
                    return self._response(denial)
                return view(record=record, **kwargs)

            return guarded

        return decorate

    def own(
        self,
        permission: str | Permission,
        records: Iterable[_R],
        level: Level | str = Level.VIEW,
    ) -> list[_R]:
        """The records of *records* the request's login may reach (its own).

        Raises:
            UnknownPermissionError: No permission has that key.
            InvalidLevelError: *level* spells no level.
        """
        key, needed = self.gate.permission(permission, level)
        return self.gate.own(self.login(), key, records, needed)

    def _response(self, denial: Denial) -> flask.Response:
        accept = flask.request.headers.get("Accept")
        content_type, body = denial.render(accept)
        if self.page is not None and content_type == HTML:
            body = self.page(denial)
        return flask.Response(
            body,
            status=denial.status,
            content_type=content_type,
            headers=denial.headers,
        )
