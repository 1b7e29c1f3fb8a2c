"""FastAPI guards: dependencies for routes, the login's records, its features.

Needs the ``fastapi`` extra (``pip install 'ccroles[fastapi]'``); FastAPI's
``TestClient``, for your tests, needs ``httpx2`` too (``pip install httpx2``:
the Starlette that FastAPI brings reads it). The application says how a
request's login is found (``login_of``); the guard never guesses. Building a
:class:`FastAPIGuard` registers the handler that answers a refused request.

The answer is JSON in FastAPI's own error shape, whatever the client
accepts: ``{"detail": {"message": ..., "reasons": [...]}}``, the customer's
message and the reasons' codes (see :class:`ccroles.guards.Denial`), with a
``WWW-Authenticate`` challenge on a 401. A guard built with ``html=True``
answers a browser (a request whose ``Accept`` prefers HTML) with the HTML
page instead.

>>> from fastapi import FastAPI, Request
>>> from fastapi.testclient import TestClient
>>> from ccroles import Engine, load_account
>>> from ccroles.guards import Gate
>>> app = FastAPI()
>>> def login_of(request: Request) -> str | None:
...     return request.headers.get("X-Login")
>>> guard = FastAPIGuard(app, Gate(Engine(load_account("examples/account.toml"))),
...                      login_of)
>>> @app.get("/pay", dependencies=[guard.requires("Make a Payment")])
... def pay() -> str:
...     return "Pay your invoices"
>>> client = TestClient(app)
>>> client.get("/pay", headers={"X-Login": "ap@acme.example"}).status_code
200
>>> client.get("/pay", headers={"X-Login": "purchasing@acme.example"}).status_code
403
>>> refused = client.get("/pay")
>>> refused.status_code, refused.json(), refused.headers["WWW-Authenticate"]
(401, {'detail': {'message': 'Make a Payment is not available to you. Please sign in first.', 'reasons': ['unknown_login']}}, 'Session realm="customer center"')
"""  # noqa: E501

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import fastapi
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ccroles.guards import SignedIn, prefers_html
from ccroles.permissions import Level, Permission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ccroles.features import Feature
    from ccroles.guards import Denial, Gate
    from ccroles.records import OwnedRecord

__all__ = ["FastAPIGuard"]

_R = TypeVar("_R", bound="OwnedRecord")


class _RefusedError(Exception):
    """Raised by a dependency; the guard's handler answers with the denial."""

    def __init__(self, denial: Denial) -> None:
        super().__init__(denial.status)
        self.denial = denial


def _answer(request: Request, error: Exception, *, html: bool) -> Response:
    denial = cast("_RefusedError", error).denial  # registered for it alone
    accept = request.headers.get("accept")
    if html and prefers_html(accept):
        content_type, body = denial.render(accept)
        return Response(
            body,
            status_code=denial.status,
            media_type=content_type,
            headers=denial.headers,
        )
    detail = {"message": denial.message, "reasons": denial.reasons}
    return JSONResponse(
        {"detail": detail}, status_code=denial.status, headers=denial.headers
    )


@attrs.define
class FastAPIGuard:
    """Guards for one FastAPI application, as dependencies.

    Attributes:
        app: The application; building the guard registers its denial handler.
        gate: Asks the engine (and the sign-in state, if given). Assign a
            new gate when the account changes (a password reset, a reloaded
            file): the next request asks it.
        login_of: Turns a request into its login, ``None`` when nobody is
            signed in.
        html: Answer a browser (``Accept`` prefers HTML) with the HTML page;
            by default every denial is JSON.
    """

    app: fastapi.FastAPI
    gate: Gate
    login_of: Callable[[Request], SignedIn]
    html: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        """Answer refused requests with the denial's body."""
        self.app.add_exception_handler(
            _RefusedError, functools.partial(_answer, html=self.html)
        )

    def requires(self, feature: str | Feature) -> Any:
        """A dependency: the route runs only when the login may use *feature*.

        Use it in ``dependencies=[...]`` or as a parameter's default; its
        value is the login.

        Raises:
            UnknownFeatureError: No feature has that name (when declared).
        """
        name = self.gate.feature(feature)

        def dependency(request: Request) -> SignedIn:
            login = self.login_of(request)
            _raise(self.gate.check_feature(login, name))
            return login

        return fastapi.Depends(dependency)

    def requires_record(
        self,
        permission: str | Permission,
        load: Callable[..., OwnedRecord | None],
        level: Level | str = Level.VIEW,
    ) -> Any:
        """A dependency whose value is the record, when the login may reach it.

        *load* is called with the route's path parameters (as text) and
        returns the record (``None``: 404). When nobody is signed in the
        answer is 401 before *load* is called, so the status never tells
        whether the record exists.

        Raises:
            UnknownPermissionError: No permission has that key (when declared).
            InvalidLevelError: *level* spells no level (when declared).
        """
        key, needed = self.gate.permission(permission, level)

        def dependency(request: Request) -> OwnedRecord:
            login = self.login_of(request)
            _raise(self.gate.check_signed_in(login, key, needed))
            record = load(**request.path_params)
            if record is None:
                raise fastapi.HTTPException(404)
            _raise(self.gate.check_record(login, key, record, needed))
            return record

        return fastapi.Depends(dependency)

    def own(
        self,
        request: Request,
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
        return self.gate.own(self.login_of(request), key, records, needed)

    def features(self) -> Any:
        """A dependency whose value is the feature names the login may use."""

        def dependency(request: Request) -> frozenset[str]:
            return self.gate.features_of(self.login_of(request))

        return fastapi.Depends(dependency)


def _raise(denial: Denial | None) -> None:
    if denial is not None:
        raise _RefusedError(denial)
