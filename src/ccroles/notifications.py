"""Access notification emails: their settings, templates and link validity.

An account that sends access notifications holds :class:`NotificationSettings`:
the addresses the email names and the subject and body templates, which may
use only the placeholders of :data:`NOTIFICATION_PLACEHOLDERS` (never a
password). :data:`MAX_LINK_VALIDITY` bounds how long any link may work.

>>> settings = NotificationSettings(
...     "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw"
... )
>>> settings.link_validity
datetime.timedelta(days=1)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import attrs

from ccroles.exceptions import InvalidFieldError, UnsafeTemplateError

__all__ = [
    "DEFAULT_NOTIFICATION_SUBJECT",
    "DEFAULT_NOTIFICATION_TEMPLATE",
    "MAX_LINK_VALIDITY",
    "NOTIFICATION_PLACEHOLDERS",
    "NotificationSettings",
]


NOTIFICATION_PLACEHOLDERS: Final = (
    "customer_id",
    "login_email",
    "administrator_email",
    "login_url",
    "set_password_link",
    "link_expires",
)
"""The placeholders an access notification template may use (never a password)."""

DEFAULT_NOTIFICATION_SUBJECT: Final = "Your customer center access"
"""The subject of the access notification unless the account replaces it."""

DEFAULT_NOTIFICATION_TEMPLATE: Final = """\
Hello,

You now have access to our customer center.

Log in at: $login_url
Your login email: $login_email

Set your password with this link (valid until $link_expires):
$set_password_link

Questions? Write to $administrator_email.
"""
"""The body of the access notification unless the account replaces it."""


def _check_template(_: object, __: attrs.Attribute[str], value: str) -> None:
    import string  # noqa: PLC0415 (only when an account has notifications)

    template = string.Template(value)
    if not template.is_valid():
        raise UnsafeTemplateError(None, allowed=NOTIFICATION_PLACEHOLDERS)
    for name in template.get_identifiers():
        if name not in NOTIFICATION_PLACEHOLDERS:
            raise UnsafeTemplateError(name, allowed=NOTIFICATION_PLACEHOLDERS)


MAX_LINK_VALIDITY: Final = timedelta(days=31)
"""The longest any link may work: a set-password link of the access
notification, a forgotten-password link, a link registered with a sign-in
store."""


def _check_validity(
    _: object, __: attrs.Attribute[timedelta], value: timedelta
) -> None:
    if not timedelta(0) < value <= MAX_LINK_VALIDITY:
        raise InvalidFieldError(
            "notification settings",
            "link_validity",
            value,
            expected=f"a positive duration of at most {MAX_LINK_VALIDITY.days} days",
        )


@attrs.frozen
class NotificationSettings:
    """How an account's access notification emails are written.

    The templates use ``string.Template`` placeholders, only those of
    :data:`NOTIFICATION_PLACEHOLDERS`; a template asking for anything else
    (a ``$password``, say) is refused when the settings are built.

    Attributes:
        administrator_email: Who customers write to with questions.
        login_url: The account's customer center login address.
        set_password_url: Where the set-password link points; the link adds
            a ``token`` query parameter.
        staff_login_url: The staff login page, if known: the customer center
            address must differ from it.
        subject: The subject template.
        template: The body template.
        link_validity: How long a set-password link is valid.

    Raises:
        UnsafeTemplateError: A template uses a placeholder not allowed, or a
            ``$`` that starts none.
        InvalidFieldError: The validity is not positive or longer than
            :data:`MAX_LINK_VALIDITY`, or the customer center login address
            is the staff login page.

    >>> NotificationSettings(
    ...     "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw",
    ...     template="Your password: $password",
    ... )
    Traceback (most recent call last):
    ...
    ccroles.exceptions.UnsafeTemplateError: notification template refused: ...
    """

    administrator_email: str
    login_url: str
    set_password_url: str
    staff_login_url: str | None = None
    subject: str = attrs.field(
        default=DEFAULT_NOTIFICATION_SUBJECT, validator=_check_template
    )
    template: str = attrs.field(
        default=DEFAULT_NOTIFICATION_TEMPLATE, validator=_check_template
    )
    link_validity: timedelta = attrs.field(
        default=timedelta(hours=24), validator=_check_validity
    )

    def __attrs_post_init__(self) -> None:
        """Check the customer center address is not the staff login page."""
        if self.login_url == self.staff_login_url:
            raise InvalidFieldError(
                "notification settings",
                "login_url",
                self.login_url,
                expected="the customer center login address, not the staff login page",
            )
