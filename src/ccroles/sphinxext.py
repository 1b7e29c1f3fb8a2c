"""Sphinx directives that render ccroles tables when the docs are built.

Every table comes from :mod:`ccroles.render` at build time, from the same role
objects the engine decides with, so the docs cannot drift from behaviour. Add
``"ccroles.sphinxext"`` to ``extensions`` in ``conf.py`` (Sphinx comes with
the ``docs`` extra), then write, in MyST Markdown::

    ```{ccroles-matrix}
    ```

    ```{ccroles-role} Premium Customer Center
    ```

    ```{ccroles-diff}
    :from: Customer Center
    :to: Premium Customer Center
    ```

or the same directives in reStructuredText (``.. ccroles-matrix::``). Role
names are matched ignoring case, as everywhere. A name that is not
known, or a diff without ``:from:`` or ``:to:``, is a build warning (an error
under ``sphinx-build -W``) that names the closest known role.

Each directive takes a ``:roles:`` option naming a roles (or account) file,
relative to the page's own folder (or, starting with ``/``, to the source
folder), whose custom roles join the built-in ones: the matrix gains their
columns, and ``ccroles-role`` and ``ccroles-diff`` know their names::

    ```{ccroles-role} Auditor
    :roles: ../examples/roles.toml
    ```

The page is rebuilt when the file changes. A file that does not load is a
build warning listing every problem, as :func:`~ccroles.load_roles` finds them.

The table directives render reStructuredText with :mod:`ccroles.render` and
insert the parsed tables, whatever the page's own markup; the page supplies
its own headings.

The API page lists the top-level names from the same table the package
loads them from, one list of topics per reader::

    ```{ccroles-exports} portal developer
    ```
"""

from __future__ import annotations

import inspect
import io
from importlib import import_module
from importlib.metadata import version
from typing import TYPE_CHECKING, ClassVar, Final

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives
from docutils.utils import SystemMessage
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ccroles._exports import EXPORTS
from ccroles.accounts import Account
from ccroles.exceptions import CCRolesError
from ccroles.features import feature_matrix
from ccroles.render import (
    OutputFormat,
    diff_roles,
    render_diff,
    render_matrix,
    render_role,
)
from ccroles.serialization import load_roles

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

__all__ = [
    "DiffDirective",
    "ExportsDirective",
    "MatrixDirective",
    "RoleDirective",
    "setup",
]


_ROLES: Final = Account()
"""The roles the directives know by name: the built-in roles."""


def _parse(rst: str) -> list[nodes.Node]:
    """Parse reStructuredText from the renderer; a page's title is left out."""
    document = publish_doctree(
        rst,
        settings_overrides={
            "doctitle_xform": False,
            "halt_level": 2,  # the renderer's output must parse cleanly
            "report_level": 5,
            "warning_stream": io.StringIO(),  # the error says it instead
        },
    )
    parsed: list[nodes.Node] = []
    for child in document.children:
        if isinstance(child, nodes.section):
            parsed.extend(c for c in child.children if not isinstance(c, nodes.title))
        else:
            parsed.append(child)
    return parsed


class _TableDirective(SphinxDirective):
    """Render reStructuredText from :meth:`render` and insert its nodes."""

    option_spec: ClassVar[dict[str, Callable[[str], str]]] = {
        "roles": directives.path,
    }

    def account(self) -> Account:
        """The built-in roles, and the custom roles of the ``:roles:`` file.

        Raises:
            DataFileError: The file does not load (every problem).
        """
        path = self.options.get("roles")
        if path is None:
            return _ROLES
        _, absolute = self.env.relfn2path(path, self.env.docname)
        self.env.note_dependency(absolute)
        return Account(roles=load_roles(absolute))

    def render(self) -> str:
        """Return the reStructuredText to insert."""
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        """Insert the rendered tables; a ccroles error is a build warning."""
        try:
            return _parse(self.render())
        except CCRolesError as error:
            message = f"{self.name}: {error}"
        except SystemMessage as error:  # a bug in the renderer, not in the page
            message = f"{self.name}: the renderer gave bad reStructuredText: {error}"
        raise self.error(message)


class MatrixDirective(_TableDirective):
    """``ccroles-matrix``: the feature matrix of the built-in roles.

    Takes no arguments; ``:roles: FILE`` adds the file's custom roles.
    """

    def render(self) -> str:
        """The matrix as a reStructuredText list table."""
        return render_matrix(feature_matrix(self.account().all_roles), OutputFormat.RST)


class RoleDirective(_TableDirective):
    """``ccroles-role NAME``: a role's facts, levels and features.

    The argument is the role's name (it may contain spaces); ``:roles: FILE``
    makes the file's custom roles known too.
    """

    required_arguments = 1
    final_argument_whitespace = True

    def render(self) -> str:
        """The role's page as reStructuredText, without its title."""
        return render_role(self.account().role(self.arguments[0]), OutputFormat.RST)


class DiffDirective(_TableDirective):
    """``ccroles-diff``: what changes from role ``:from:`` to role ``:to:``.

    ``:roles: FILE`` makes the file's custom roles known too.
    """

    option_spec: ClassVar[dict[str, Callable[[str], str]]] = {
        **_TableDirective.option_spec,
        "from": directives.unchanged_required,
        "to": directives.unchanged_required,
    }

    def render(self) -> str:
        """The diff as reStructuredText, without its title."""
        names = [self.options.get(option) for option in ("from", "to")]
        if None in names:
            message = f"{self.name}: give both :from: and :to: role names"
            raise self.error(message)
        account = self.account()
        before, after = (account.role(str(name)) for name in names)
        return render_diff(diff_roles(before, after), OutputFormat.RST)


def _reference(module: str, name: str) -> nodes.Node:
    """A cross-reference to *name* of *module*, shown by its short name."""
    value = getattr(import_module(module), name)
    kind = "class" if inspect.isclass(value) else "func" if callable(value) else "data"
    return addnodes.pending_xref(
        "",
        nodes.literal(name, name, classes=["xref", "py", f"py-{kind}"]),
        refdomain="py",
        reftype=kind,
        reftarget=f"{module}.{name}",
        refexplicit=False,
        refwarn=True,
    )


class ExportsDirective(SphinxDirective):
    """``ccroles-exports READER``: the top-level names for one reader.

    A bullet list, one item per topic, each linking its names to their
    modules' documentation; the names and their order come from the
    package's own table (``_EXPORTS`` in ``ccroles/__init__.py``), so the
    page lists exactly what ``import ccroles`` gives. The argument is the
    reader (``portal developer``, ``test writer``, ``documentation writer``).
    """

    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        """Insert the list; an unknown reader is a build warning."""
        topics = EXPORTS.get(self.arguments[0])
        if topics is None:
            known = ", ".join(repr(reader) for reader in EXPORTS)
            message = f"{self.name}: no reader {self.arguments[0]!r}; known: {known}"
            raise self.error(message)
        items = nodes.bullet_list()
        for topic, modules in topics.items():
            paragraph = nodes.paragraph("", f"{topic}: ")
            references = [
                _reference(module, name)
                for module, names in modules.items()
                for name in names
            ]
            for index, reference in enumerate(references):
                if index:
                    paragraph += nodes.Text(", ")
                paragraph += reference
            items += nodes.list_item("", paragraph)
        return [items]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the directives with Sphinx (called by ``extensions``)."""
    app.add_directive("ccroles-matrix", MatrixDirective)
    app.add_directive("ccroles-role", RoleDirective)
    app.add_directive("ccroles-diff", DiffDirective)
    app.add_directive("ccroles-exports", ExportsDirective)
    return {
        "version": version("ccroles"),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
