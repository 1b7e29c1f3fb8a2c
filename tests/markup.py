"""Read tables back out of rendered reStructuredText and HTML, for the tests."""

from html.parser import HTMLParser

from docutils import nodes
from docutils.core import publish_doctree


def rst_doctree(text: str) -> nodes.document:
    """Parse reStructuredText, raising on any warning."""
    return publish_doctree(
        text,
        settings_overrides={
            "halt_level": 2,
            "report_level": 5,
            "doctitle_xform": False,
        },
    )


def rst_tables(text: str) -> list[list[list[str]]]:
    """Parse reStructuredText (failing on any warning); each table's cell texts."""
    return [
        [[entry.astext() for entry in row.findall(nodes.entry)] for row in rows]
        for rows in (
            list(table.findall(nodes.row))
            for table in rst_doctree(text).findall(nodes.table)
        )
    ]


class _Cells(HTMLParser):
    """Collect the text of every table cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_cell = False

    def handle_starttag(self, tag: str, _: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"}:
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data


def html_rows(text: str) -> list[list[str]]:
    """The cell texts of every table row in an HTML text, unescaped and stripped."""
    parser = _Cells()
    parser.feed(text)
    parser.close()
    return [[cell.strip() for cell in row] for row in parser.rows]
