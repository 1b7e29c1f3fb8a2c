"""FastAPI guards: dependencies for routes, the login's records, its features.

Needs the ``fastapi`` extra (``pip install 'ccroles[fastapi]'``). The
application says how a request's login is found (``login_of``); the guard
never guesses. Building a :class:`FastAPIGuard` registers the handler that
answers a refused request with the denial's body (see
:class:`ccroles.guards.Denial`).

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
>>> client.get("/pay").status_code
401
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import fastapi
from fastapi import Request
from fastapi.responses import Response

from ccroles.guards import SignedIn  # noqa: TC001 (FastAPI reads signatures at run time)
from ccroles.permissions import Level, Permission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ccroles.features import Feature
    from ccroles.guards import Denial, Gate
    from ccroles.policy import OwnedRecord

__all__ = ["FastAPIGuard"]

_R = TypeVar("_R", bound="OwnedRecord")


class _RefusedError(Exception):
    """Raised by a dependency; the guard's handler answers with the denial."""

    def __init__(self, denial: Denial) -> None:
        super().__init__(denial.status)
        self.denial = denial


def _answer(request: Request, error: Exception) -> Response:
    denial = cast("_RefusedError", error).denial  # registered for it alone
    content_type, body = denial.render(request.headers.get("accept"))
    return Response(body, status_code=denial.status, media_type=content_type)


@attrs.frozen
class FastAPIGuard:
    """Guards for one FastAPI application, as dependencies.

    Attributes:
        app: The application; building the guard registers its denial handler.
        gate: Asks the engine (and the sign-in state, if given).
        login_of: Turns a request into its login, ``None`` when nobody is
            signed in.
    """

    app: fastapi.FastAPI
    gate: Gate
    login_of: Callable[[Request], SignedIn]

    def __attrs_post_init__(self) -> None:
        """Answer refused requests with the denial's body."""
        self.app.add_exception_handler(_RefusedError, _answer)

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
        returns the record (``None``: 404).

        Raises:
            UnknownPermissionError: No permission has that key (when declared).
            InvalidLevelError: *level* spells no level (when declared).
        """
        key, needed = self.gate.permission(permission, level)

        def dependency(request: Request) -> OwnedRecord:
            record = load(**request.path_params)
            if record is None:
                raise fastapi.HTTPException(404)
            _raise(self.gate.check_record(self.login_of(request), key, record, needed))
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
