"""Django guards: view decorators, the login's records, menus in templates.

Needs the ``django`` extra (``pip install 'ccroles[django]'``; Django's
test client needs nothing more). The application says how a request's login is found (``login_of``); the guard
never guesses. A refused request is answered with the denial's body (see
:class:`ccroles.guards.Denial`). For the menus, list the guard's
:meth:`DjangoGuard.context_processor` in the ``TEMPLATES`` setting (by the
dotted path of a module attribute holding it): templates then get
``features``, the feature names the login may use.

>>> from django.http import HttpRequest, HttpResponse
>>> from ccroles import Engine, load_account
>>> from ccroles.guards import Gate
>>> def login_of(request: HttpRequest) -> str | None:
...     return request.headers.get("X-Login")
>>> guard = DjangoGuard(Gate(Engine(load_account("examples/account.toml"))),
...                     login_of)
>>> @guard.requires("Make a Payment")
... def pay(request: HttpRequest) -> HttpResponse:
...     return HttpResponse("Pay your invoices")
>>> guard.requires("Make a Paymnet")
Traceback (most recent call last):
...
ccroles.exceptions.UnknownFeatureError: unknown feature 'Make a Paymnet'; did you mean 'Make a Payment'?
"""  # noqa: E501

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import attrs
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from ccroles.permissions import Level, Permission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ccroles.features import Feature
    from ccroles.guards import Denial, Gate, SignedIn
    from ccroles.records import OwnedRecord

__all__ = ["DjangoGuard"]

_P = ParamSpec("_P")
_T = TypeVar("_T", bound=HttpResponseBase)
_R = TypeVar("_R", bound="OwnedRecord")


@attrs.define
class DjangoGuard:
    """Guards for Django views.

    Attributes:
        gate: Asks the engine (and the sign-in state, if given). Assign a
            new gate when the account changes (a password reset, a reloaded
            file): the next request asks it.
        login_of: Turns a request into its login, ``None`` when nobody is
            signed in.
    """

    gate: Gate
    login_of: Callable[[HttpRequest], SignedIn]

    def requires(
        self, feature: str | Feature
    ) -> Callable[
        [Callable[Concatenate[HttpRequest, _P], _T]],
        Callable[Concatenate[HttpRequest, _P], _T | HttpResponse],
    ]:
        """Decorate a view: it runs only when the login may use *feature*.

        Raises:
            UnknownFeatureError: No feature has that name (when declared).
        """
        name = self.gate.feature(feature)

        def decorate(
            view: Callable[Concatenate[HttpRequest, _P], _T],
        ) -> Callable[Concatenate[HttpRequest, _P], _T | HttpResponse]:
            @functools.wraps(view)
            def guarded(
                request: HttpRequest, /, *args: _P.args, **kwargs: _P.kwargs
            ) -> _T | HttpResponse:
                denial = self.gate.check_feature(self.login_of(request), name)
                if denial is not None:
                    return _response(request, denial)
                return view(request, *args, **kwargs)

            return guarded

        return decorate

    def requires_record(
        self,
        permission: str | Permission,
        load: Callable[..., OwnedRecord | None],
        level: Level | str = Level.VIEW,
    ) -> Callable[[Callable[..., _T]], Callable[..., _T | HttpResponse]]:
        """Decorate a view: it runs only when the login may reach the record.

        *load* is called with the view's URL keyword arguments and returns
        the record (``None``: 404). The view gets it as the keyword
        ``record``. When nobody is signed in the answer is 401 before *load*
        is called, so the status never tells whether the record exists.

        Raises:
            UnknownPermissionError: No permission has that key (when declared).
            InvalidLevelError: *level* spells no level (when declared).
        """
        key, needed = self.gate.permission(permission, level)

        def decorate(view: Callable[..., _T]) -> Callable[..., _T | HttpResponse]:
            @functools.wraps(view)
            def guarded(request: HttpRequest, **kwargs: object) -> _T | HttpResponse:
                login = self.login_of(request)
                denial = self.gate.check_signed_in(login, key, needed)
                if denial is not None:
                    return _response(request, denial)
                record = load(**kwargs)
                if record is None:
                    raise Http404
                denial = self.gate.check_record(login, key, record, needed)
                if denial is not None:
                    return _response(request, denial)
                return view(request, record=record, **kwargs)

            return guarded

        return decorate

    def own(
        self,
        request: HttpRequest,
        permission: str | Permission,
        records: Iterable[_R],
        level: Level | str = Level.VIEW,
    ) -> list[_R]:
        """The records of *records* (a queryset, say) the login may reach.

        Raises:
            UnknownPermissionError: No permission has that key.
            InvalidLevelError: *level* spells no level.
        """
        key, needed = self.gate.permission(permission, level)
        return self.gate.own(self.login_of(request), key, records, needed)

    def context_processor(self, request: HttpRequest) -> dict[str, frozenset[str]]:
        """Templates get ``features``: the feature names the login may use."""
        return {"features": self.gate.features_of(self.login_of(request))}


def _response(request: HttpRequest, denial: Denial) -> HttpResponse:
    content_type, body = denial.render(request.headers.get("Accept"))
    return HttpResponse(
        body, status=denial.status, content_type=content_type, headers=denial.headers
    )
