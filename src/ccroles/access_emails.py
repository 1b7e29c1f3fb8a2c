"""The emails giving access sends, and the links they carry.

A grant by :class:`~ccroles.access_values.SendNotification` sends a
:class:`Notification` with a set-password link; a password the administrator
assigns with Notify ticked sends a :class:`SetUpNotification`, with no
password and no link. Every link ccroles builds, a reset link too, is built
by :func:`link_url`.

>>> from datetime import UTC, datetime
>>> from ccroles.notifications import NotificationSettings
>>> settings = NotificationSettings(
...     "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw"
... )
>>> email = Notification(
...     "ap@acme.example", "ACME", "t0k", datetime(2026, 1, 1, tzinfo=UTC), settings
... )
>>> email.link
'https://shop.example/pw?token=t0k'
"""

from __future__ import annotations

import ipaddress
import string
import urllib.parse
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.exceptions import InvalidFieldError
from ccroles.wording import time_text

if TYPE_CHECKING:
    from datetime import datetime

    from ccroles.notifications import NotificationSettings

__all__ = [
    "SET_UP_SUBJECT",
    "SET_UP_TEMPLATE",
    "Notification",
    "SetUpNotification",
    "link_url",
]


def _addresses(
    recipient: str, customer_id: str, settings: NotificationSettings
) -> dict[str, str]:
    """The placeholders every access email fills: who it is for, and where."""
    return {
        "customer_id": customer_id,
        "login_email": recipient,
        "administrator_email": settings.administrator_email,
        "login_url": settings.login_url,
    }


_LOCAL_HOSTS: Final = frozenset({"localhost"})


def _is_local(host: str) -> bool:
    """Whether *host* is this machine: ``localhost`` or a loopback address."""
    if host.casefold() in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def link_url(base: str, token: str) -> str:
    """The link a token is sent as: *base* with the token as its ``token`` parameter.

    Every link ccroles builds (the access notification's set-password
    link, a reset link) is built here. *base* is the configured address of
    the portal's page: an absolute ``https`` address, or ``http`` on this
    machine only (``localhost``, ``127.0.0.1``, ``[::1]``), so a token is
    never sent in clear over a network.

    Raises:
        InvalidFieldError: *base* is not such an address.

    >>> link_url("https://shop.example/reset?lang=en", "t0k")
    'https://shop.example/reset?lang=en&token=t0k'
    >>> link_url("http://shop.example/reset", "t0k")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: link base URL 'http://shop.example/reset' is refused; expected an absolute https address (http only for localhost, 127.0.0.1 or [::1])
    """  # noqa: E501
    try:
        parts = urllib.parse.urlsplit(base)
        host = parts.hostname or ""
    except ValueError:  # an unclosed [ in the host
        parts, host = urllib.parse.urlsplit(""), ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_local(host))
    if not (secure and host) or parts.fragment or not base.isprintable():
        raise InvalidFieldError(
            "link",
            "base URL",
            base,
            expected="an absolute https address (http only for localhost, "
            "127.0.0.1 or [::1])",
        )
    query = urllib.parse.urlencode({"token": token})
    return f"{base}{'&' if parts.query else '' if base.endswith('?') else '?'}{query}"


@attrs.frozen
class Notification:
    """An access notification email, ready for the portal's mailer.

    It carries the login email, the administrator's email, the customer
    center login address and a set-password link, never a password.

    Attributes:
        recipient: The login email it is sent to.
        customer_id: The customer's entity id.
        token: The set-password token the portal must accept until *expires*.
        expires: When the set-password link stops working.
        settings: The account's notification settings (templates, addresses).
    """

    recipient: str
    customer_id: str
    token: str = attrs.field(repr=False)
    expires: datetime
    settings: NotificationSettings = attrs.field(repr=False)

    @property
    def link(self) -> str:
        """The set-password link (:func:`link_url` of the settings' address).

        Raises:
            InvalidFieldError: The settings' set-password address is not an
                absolute ``https`` address (or ``http`` on localhost).
        """
        return link_url(self.settings.set_password_url, self.token)

    def _values(self) -> dict[str, str]:
        return {
            **_addresses(self.recipient, self.customer_id, self.settings),
            "set_password_link": self.link,
            "link_expires": time_text(self.expires),
        }

    @property
    def subject(self) -> str:
        """The subject line, from the account's subject template."""
        return string.Template(self.settings.subject).substitute(self._values())

    @property
    def body(self) -> str:
        """The email body, from the account's template."""
        return string.Template(self.settings.template).substitute(self._values())


SET_UP_SUBJECT: Final = "Your customer center access"
"""The subject of the email telling a login its access was set up for it."""

SET_UP_TEMPLATE: Final = """\
Hello,

Your administrator has set up your access to our customer center.

Log in at: $login_url
Your login email: $login_email

Your administrator will give you your password by other means: a password
is never sent by email.

Questions? Write to $administrator_email.
"""
"""The body of a :class:`SetUpNotification` (placeholders as for notifications)."""


@attrs.frozen
class SetUpNotification:
    """An email saying the administrator set up the login's access .

    Sent when the administrator assigns the password and ticks Notify. It
    carries the login email, the administrator's email and the customer
    center login address: no password, and no link.

    Attributes:
        recipient: The login email it is sent to.
        customer_id: The customer's entity id.
        settings: The account's notification settings (the addresses).
    """

    recipient: str
    customer_id: str
    settings: NotificationSettings = attrs.field(repr=False)

    @property
    def subject(self) -> str:
        """The subject line (:data:`SET_UP_SUBJECT`)."""
        values = _addresses(self.recipient, self.customer_id, self.settings)
        return string.Template(SET_UP_SUBJECT).substitute(values)

    @property
    def body(self) -> str:
        """The email body (:data:`SET_UP_TEMPLATE`)."""
        values = _addresses(self.recipient, self.customer_id, self.settings)
        return string.Template(SET_UP_TEMPLATE).substitute(values)
