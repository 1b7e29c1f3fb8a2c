"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles --version
    ccroles matrix [--format text|markdown|rst|html|csv|json] [--roles FILE]
        [--role NAME]...
    ccroles role NAME [--format ...] [--roles FILE]
    ccroles diff ROLE_A ROLE_B [--format ...] [--roles FILE]
    ccroles validate FILE...
    ccroles readme [--write] [--roles FILE] FILE
    ccroles check ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles explain ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles import-access ACCOUNT_FILE CSV_FILE [--apply] [--output NEW_FILE]
        [--emails DIR|-] [--sign-in-store STORE]
    ccroles sign-in-status STORE EMAIL
    ccroles unlock STORE EMAIL
    ccroles sign-in-store init URL [--schema NAME]
    ccroles audit STORE [--email E] [--since T] [--kind K] [--outcome O]
                        [--format table|json]
    ccroles export cedar ACCOUNT_FILE [--roles ROLES_FILE] [--namespace NAME]
                         [--schema-format cedar|json] --out DIR

Each command writes its own output and returns its exit status: 0 for yes
(or done), 1 for no (a denied question, a file or import with problems), 2
for bad arguments or input. Bad arguments print one line on stderr; a file
that does not load prints every problem it has. ``validate`` prints
``FILE: ok`` or every problem of each file. ``check`` prints ``allowed`` or
``denied:`` and the first reason; ``explain`` prints the whole explanation.
``import-access`` checks every place it would write (and the writer each
needs) first, then prints the import's report; with ``--apply`` and no
problem it saves the new account to ``--output``, registers the emails'
set-password links with the ``--sign-in-store`` and writes the whole emails
into ``--emails`` (``.eml`` files, mode 0600; ``-``: JSON lines on stdout).
``sign-in-status`` prints
whether a login of a sign-in store (a SQLite file, or a PostgreSQL database
given as a ``postgresql://`` URL) is locked, until when, and
its wrong passwords in a row (status 1 while locked); ``unlock`` ends a lock
(status 1 when the store has no record of the login, a misspelt email say).
``sign-in-store init`` creates the sign-in store's tables in a PostgreSQL
database (in their own schema), or brings them up to date; running it again
changes nothing. ``audit`` prints the login audit trail of a store, oldest
first, as a table or JSON, only the events of ``--email``, at or after
``--since`` (ISO 8601; UTC when no zone is given), of a ``--kind`` (may be
repeated) or an ``--outcome``.
``export cedar`` writes the account's rules as a Cedar schema (Cedar's text
or, with ``--schema-format json``, its JSON form), policies (in one file, and
one file per policy) and entities into ``--out``, in the Cedar namespace
``--namespace`` if given, and prints the paths written (the policy files as
one line; status 1 when a file has problems).
"""

from ccroles.cli._main import main

__all__ = ["main"]
