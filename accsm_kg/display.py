"""HTML for notebooks: one escaped table builder, shared by every result that shows in Jupyter.

Long tables are cut at :data:`MAX_ROWS` rows, with a note of how many there are; set it to
show more, or ``None`` to show every row:

>>> import accsm_kg.display
>>> accsm_kg.display.MAX_ROWS
50
>>> table(["n"], [[1], [2], [3]], limit=2)  # doctest: +ELLIPSIS
'<table>...2</td></tr></tbody></table><p class="accsm-kg-note">showing the first 2 of 3 rows</p>'

A literal with a language tag gives its cell a ``lang`` attribute, so that the browser picks
a font for its script:

>>> table(["name"], [[Literal("ឈី វិជ្ជរ៉ា", lang="km")]])  # doctest: +ELLIPSIS
'<table>...<tbody><tr><td lang="km">ឈី វិជ្ជរ៉ា</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .terms import curie

__all__ = [
    "MAX_ROWS", "STYLE", "Cell", "CellValue", "Summary", "block", "cell", "khmer_lang", "note",
    "table",
]  # fmt: skip

#: How many rows a table shows in a notebook before it is cut, with a note of the count;
#: ``None`` shows every row. Read each time a table is drawn, so setting it takes effect at once.
MAX_ROWS: int | None = 50

#: The style of :func:`block`: scoped to its ``accsm-kg`` class, with colours left to the
#: notebook's theme (JupyterLab's variables where there are, inherited otherwise), so that
#: light and dark themes both read well.
STYLE = (
    "<style>"
    ".accsm-kg table{border-collapse:collapse}"
    ".accsm-kg th,.accsm-kg td{text-align:left;vertical-align:top;white-space:pre-line}"
    '.accsm-kg [lang="km"]{font-family:"Noto Sans Khmer","Khmer OS","Khmer UI",'
    '"Leelawadee UI",sans-serif;line-height:1.7}'
    ".accsm-kg .accsm-kg-note{color:var(--jp-ui-font-color2,inherit);opacity:.8;"
    "font-style:italic;margin:.3em 0}"
    ".accsm-kg code{background:none;color:inherit}"
    "</style>"
)


@dataclass(frozen=True)
class Cell:
    """The text of one table cell, and the language it is written in, where known."""

    text: str
    lang: str | None = None


#: What a table cell may be given: a term (shortened with prefixes), text, a number, or a
#: :class:`Cell`; ``None`` is an empty cell.
CellValue = Node | Cell | str | int | float | None


def khmer_lang(text: str | None) -> str | None:
    """Return ``"km"`` if ``text`` is written in Khmer script, else ``None``.

    >>> khmer_lang("ឈី វិជ្ជរ៉ា"), khmer_lang("Chhy Vichara")
    ('km', None)
    """
    if text and any("\u1780" <= c <= "\u17ff" or "\u19e0" <= c <= "\u19ff" for c in text):
        return "km"
    return None


def cell(value: CellValue, namespaces: NamespaceManager | None = None) -> Cell:
    """Return the text of a value as a table shows it: IRIs as prefixed names, literals as text.

    >>> cell(URIRef("https://schema.org/Event"), None)
    Cell(text='<https://schema.org/Event>', lang=None)
    >>> cell(Literal("Cambodia", lang="en"))
    Cell(text='Cambodia', lang='en')
    """
    if value is None:
        return Cell("")
    if isinstance(value, Cell):
        return value
    if isinstance(value, URIRef):
        return Cell(curie(value, namespaces))
    if isinstance(value, Literal):
        return Cell(str(value), value.language or None)
    if isinstance(value, Node):
        return Cell(value.n3())
    return Cell(str(value))


def _td(value: CellValue, namespaces: NamespaceManager | None) -> str:
    text, lang = (c := cell(value, namespaces)).text, c.lang
    attribute = f' lang="{html.escape(lang)}"' if lang else ""
    return f"<td{attribute}>{html.escape(text)}</td>"


def _limit(limit: int | None) -> int | None:
    return MAX_ROWS if limit is None else limit


def note(shown: int, total: int, noun: str = "rows") -> str:
    """Return the note under a cut table, or ``""`` when every row is shown.

    >>> note(50, 2141)
    '<p class="accsm-kg-note">showing the first 50 of 2,141 rows</p>'
    """
    if shown >= total:
        return ""
    text = f"showing the first {shown:,} of {total:,} {noun}"
    return f'<p class="accsm-kg-note">{html.escape(text)}</p>'


def table(
    heads: Sequence[str],
    rows: Iterable[Sequence[CellValue]],
    *,
    namespaces: NamespaceManager | None = None,
    total: int | None = None,
    limit: int | None = None,
    noun: str = "rows",
) -> str:
    """Return an HTML table of ``rows`` under ``heads``, every value escaped, cut if long.

    :param namespaces: the prefixes IRIs are shortened with.
    :param total: how many rows there are, when ``rows`` holds only the first of them;
        by default ``rows`` are counted (only the first are read into cells).
    :param limit: how many rows to show; by default :data:`MAX_ROWS`.
    :param noun: what the rows are, for the note under a cut table (``"triples"``).
    """
    most = _limit(limit)
    iterator = iter(rows)
    shown = list(iterator if most is None else itertools.islice(iterator, most))
    if total is None:
        total = len(rows) if isinstance(rows, Sized) else len(shown) + sum(1 for _ in iterator)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(_td(value, namespaces) for value in row) + "</tr>" for row in shown
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" + note(
        len(shown), total, noun
    )


def block(*parts: str) -> str:
    """Return HTML parts inside one styled ``<div class="accsm-kg">``, with :data:`STYLE`."""
    return f'<div class="accsm-kg">{STYLE}{"".join(parts)}</div>'


class Summary(str):
    """A few lines on what a knowledge graph holds (:meth:`~accsm_kg.KnowledgeGraph.summary`).

    It is the ``str`` of those lines; IPython shows it as lines rather than one quoted string,
    and a notebook as a table of the instances per class.

    >>> summary = Summary("3 triples in 1 named graphs (oxigraph store)", [("accsm:Country", "1")])
    >>> print(summary)
    3 triples in 1 named graphs (oxigraph store)
    instances per class:
      accsm:Country: 1
    """

    headline: str
    counts: tuple[tuple[str, str], ...]

    def __new__(cls, headline: str, counts: Iterable[tuple[str, str]] = ()) -> Summary:
        """Make the lines of ``headline`` and the instances of each class, most first."""
        counts = tuple(counts)
        lines = [headline, "instances per class:", *(f"  {name}: {n}" for name, n in counts)]
        summary = super().__new__(cls, "\n".join(lines))
        summary.headline = headline
        summary.counts = counts
        return summary

    # copy and pickle make a summary again from its parts, not from its text
    def __getnewargs__(self) -> tuple[str, tuple[tuple[str, str], ...]]:  # type: ignore[override]
        return (self.headline, self.counts)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the lines, one under the other, in IPython."""
        for number, line in enumerate(self.splitlines()):
            if number:
                printer.break_()
            printer.text(line)

    def _html_parts(self, *, limit: int | None = None) -> str:
        classes = table(("class", "instances"), self.counts, limit=limit, noun="classes")
        return f"<p>{html.escape(self.headline)}</p>{classes}"

    def _repr_html_(self) -> str:
        """Return the headline and a table of the instances per class, cut if long."""
        return block(self._html_parts())
