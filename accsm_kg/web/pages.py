"""The pages of the web explorer, rendered once for the server and the static site alike.

A page is named by its *logical path*, the same in both: ``""`` for the home page,
``"search"``, ``"meetings"``, ``"queries/officials"``, ``"id/cambodia"`` for the node
``https://w3id.org/accsm-kg/id/cambodia``. A :class:`Linker` turns a logical path into a link:
an absolute one (``/km/id/cambodia``) for the server, a relative one (``../id/cambodia.html``)
for the static site. The Khmer pages live under ``km/``; the RDF alternates, the style sheet
and the pictures, which have no language, at the top.

>>> Linker("en", "id/cambodia").page("meetings")
'/meetings'
>>> Linker("km", "id/cambodia", static=True).page("id/thailand", lang="en")
'../../id/thailand.html'
>>> node_path(URIRef("https://w3id.org/accsm-kg/ontology#Country"))
'ontology/Country'
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as _package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any
from typing import Literal as TypingLiteral
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..display import khmer_lang
from ..errors import FontNotFoundError
from ..queries import NamedQuery, named_queries
from ..results import Rows
from ..terms import curie

if TYPE_CHECKING:
    from ..knowledge_graph import KnowledgeGraph
    from ..validate import ValidationReport

__all__ = [
    "BASE",
    "LANGUAGES",
    "PAGES",
    "RDF_FORMATS",
    "Language",
    "Linker",
    "Pages",
    "node_iris",
    "node_path",
]

#: Where the project's IRIs start; each has a page at the path that follows.
BASE = "https://w3id.org/accsm-kg/"
Language = TypingLiteral["en", "km"]
#: The languages of the pages: English at the top, Khmer under ``km/``.
LANGUAGES: tuple[Language, ...] = ("en", "km")
#: The RDF alternates of a node page: suffix → (media type, rdflib format).
RDF_FORMATS: dict[str, tuple[str, str]] = {
    ".ttl": ("text/turtle", "turtle"),
    ".nt": ("application/n-triples", "nt"),
    ".jsonld": ("application/ld+json", "json-ld"),
}
#: The first segments of the node paths: the namespaces the data uses.
_TOPS = frozenset({"id", "concept", "ontology", "graph"})
#: One segment of a node path: no dot first, so never ``..``, and nothing to escape in a URL.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Suffixes a node path may not end in: they name the files of the site beside the pages.
_RESERVED = re.compile(r".*\.(html|ttl|nt|jsonld|csv|json|svg|css)", re.IGNORECASE)
#: How many rows a page shows of a table; the downloads hold every row.
MAX_ROWS = 500

_NODES_SPARQL = """
SELECT DISTINCT ?node WHERE {
  { ?node ?p ?o } UNION { ?s ?node ?o } UNION { ?s ?p ?node } UNION { GRAPH ?node { ?s ?p ?o } }
  FILTER(isIRI(?node) && STRSTARTS(STR(?node), "https://w3id.org/accsm-kg/"))
}
"""
_KINDS_SPARQL = "SELECT ?node ?class WHERE { ?node a ?class FILTER(isIRI(?node) && isIRI(?class)) }"


def node_path(iri: Node) -> str | None:
    """Return the logical path of the page of one of the project's IRIs, or ``None``.

    ``…/ontology#Country`` has its page at ``ontology/Country``; an IRI of another namespace,
    or one whose local name would need escaping in a path, has none.
    """
    if not isinstance(iri, URIRef) or not iri.startswith(BASE):
        return None
    rest = str(iri)[len(BASE) :]
    if rest.startswith("ontology#"):
        rest = "ontology/" + rest[len("ontology#") :]
    parts = rest.split("/")
    if parts[0] not in _TOPS or not all(_SEGMENT.fullmatch(part) for part in parts):
        return None
    if _RESERVED.fullmatch(parts[-1]):
        return None
    return rest


def node_iris(path: str) -> list[URIRef]:
    """Return the IRIs a logical path may stand for, the likelier first; none for a bad path.

    >>> [str(i) for i in node_iris("ontology/Country")]
    ['https://w3id.org/accsm-kg/ontology#Country', 'https://w3id.org/accsm-kg/ontology/Country']
    >>> node_iris("id/../../etc/passwd")
    []
    >>> [str(i) for i in node_iris("ontology")]
    ['https://w3id.org/accsm-kg/ontology']
    """
    parts = path.split("/")
    if parts[0] not in _TOPS or (len(parts) < 2 and parts[0] != "ontology"):
        return []
    if not all(_SEGMENT.fullmatch(part) for part in parts) or _RESERVED.fullmatch(parts[-1]):
        return []
    found = [URIRef(BASE + path)]
    if parts[0] == "ontology" and len(parts) == 2:
        found.insert(0, URIRef(f"{BASE}ontology#{parts[1]}"))
    return found


@dataclass(frozen=True)
class Linker:
    """Makes the links of one page: absolute for the server, relative for the static site.

    ``here`` is the logical path of the page being made, ``lang`` its language.
    """

    lang: Language
    here: str
    static: bool = False

    def _file(self, path: str, lang: Language) -> str:
        return ("km/" if lang == "km" else "") + (path or "index") + ".html"

    def _relative(self, target: str) -> str:
        start = posixpath.dirname(self._file(self.here, self.lang))
        return posixpath.relpath(target, start or ".")

    def page(
        self, path: str, *, lang: Language | None = None, query: Mapping[str, str] | None = None
    ) -> str:
        """Return the link to the page at ``path``, in ``lang`` (this page's by default)."""
        lang = lang or self.lang
        if self.static:
            return self._relative(self._file(path, lang))
        link = "/" + ("km/" if lang == "km" else "") + path
        return f"{link}?{urlencode(query)}" if query else link

    def file(self, path: str) -> str:
        """Return the link to a file of no language: an RDF alternate, the style, a picture."""
        return self._relative(path) if self.static else "/" + path

    def switch(self) -> str:
        """Return the link to this page in the other language."""
        return self.page(self.here, lang="en" if self.lang == "km" else "km")


@dataclass(frozen=True)
class Cell:
    """A value as a page shows it: its text, its language, and where it links to."""

    text: str
    href: str | None = None
    lang: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Table:
    """The columns and cells of a table, and how many rows there are in all."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int


#: The pages that take no input, by their paths ("" is the home page), in the order of the
#: navigation bar.
PAGES = ("", "meetings", "bodies", "chairs", "work-plans", "queries", "nodes", "validation")

_WORDS: dict[str, dict[Language, str]] = {
    "home": {"en": "Home", "km": "ទំព័រដើម"},
    "search": {"en": "Search", "km": "ស្វែងរក"},
    "meetings": {"en": "Meetings", "km": "កិច្ចប្រជុំ"},
    "bodies": {"en": "Bodies", "km": "ស្ថាប័ន"},
    "chairs": {"en": "Chairs", "km": "ប្រធាន"},
    "work-plans": {"en": "Work plans", "km": "ផែនការការងារ"},
    "queries": {"en": "Questions", "km": "សំណួរ"},
    "nodes": {"en": "Everything", "km": "ទាំងអស់"},
    "validation": {"en": "Validation", "km": "សុពលភាព"},
    "facts-out": {"en": "Facts about it", "km": "ការពិតអំពីវា"},
    "facts-in": {"en": "Facts that point to it", "km": "ការពិតដែលចង្អុលមកវា"},
    "property": {"en": "property", "km": "លក្ខណៈ"},
    "value": {"en": "value", "km": "តម្លៃ"},
    "graph": {"en": "graph", "km": "ក្រាហ្វ"},
    "confidence": {"en": "confidence", "km": "កម្រិតទំនុកចិត្ត"},
    "sources": {"en": "sources", "km": "ប្រភព"},
}


@dataclass
class Pages:
    """Renders every page of the explorer from one knowledge graph, in English or Khmer.

    What costs a query is made once, when first asked for, and kept: the labels, the
    validation report, the timeline pictures. ``timeout`` bounds each query a page runs.
    """

    kg: KnowledgeGraph
    timeout: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("accsm_kg", "web/templates"),
            autoescape=select_autoescape(["html"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    # -- what is computed once ---------------------------------------------------------------

    def _once(self, key: str, make: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def labels(self) -> dict[Node, dict[str, str]]:
        """Return the English and Khmer label of each labelled node (named query ``labels``)."""

        def make() -> dict[Node, dict[str, str]]:
            found: dict[Node, dict[str, str]] = {}
            for row in self.kg.named_query("labels", timeout=self.timeout, inferred=False):
                assert row.entity is not None
                names = found.setdefault(row.entity, {})
                for lang, value in (("en", row.label_en), ("km", row.label_km)):
                    if value is not None and lang not in names:
                        names[lang] = str(value)
            return found

        return self._once("labels", make)  # type: ignore[no-any-return]

    def nodes(self) -> list[tuple[str, URIRef]]:
        """Return every node of the project's namespaces that has a page, by its path."""

        def make() -> list[tuple[str, URIRef]]:
            paths: dict[str, URIRef] = {}
            rows = self.kg.query(_NODES_SPARQL, timeout=self.timeout, inferred=False)
            for iri in sorted(str(row.node) for row in rows):
                path = node_path(URIRef(iri))
                # ontology#X comes before ontology/X in sorted order and keeps its page
                if path is not None and path not in paths:
                    paths[path] = URIRef(iri)
            return sorted(paths.items())

        return self._once("nodes", make)  # type: ignore[no-any-return]

    def kinds(self) -> dict[Node, list[Node]]:
        """Return the classes of each node, sorted."""

        def make() -> dict[Node, list[Node]]:
            found: dict[Node, set[Node]] = {}
            for row in self.kg.query(_KINDS_SPARQL, timeout=self.timeout, inferred=False):
                node, kind = row.node, row["class"]
                assert node is not None
                assert kind is not None
                found.setdefault(node, set()).add(kind)
            return {node: sorted(classes, key=str) for node, classes in found.items()}

        return self._once("kinds", make)  # type: ignore[no-any-return]

    def validation(self) -> ValidationReport:
        """Return the validation report of the loaded data (made once, on first request)."""
        return self._once("validation", self.kg.validate)  # type: ignore[no-any-return]

    def timeline(self, lang: Language) -> bytes | None:
        """Return the SVG of the timeline of meetings in ``lang``, or ``None`` with no font."""

        def make() -> bytes | None:
            from .. import plot  # matplotlib loads only for the picture

            try:
                figure = plot.timeline(self.kg, lang=lang)
            except FontNotFoundError:
                return None
            with tempfile.TemporaryDirectory() as folder:
                return plot.save(figure, Path(folder) / "timeline.svg").read_bytes()

        return self._once(f"timeline-{lang}", make)  # type: ignore[no-any-return]

    # -- values ------------------------------------------------------------------------------

    def name(self, node: Node, lang: Language) -> str:
        """Return the label of ``node`` in ``lang``, else in English, else its prefixed name."""
        names = self.labels().get(node, {})
        if lang in names:
            return names[lang]
        if "en" in names:
            return names["en"]
        if isinstance(node, URIRef):
            return curie(node, self.kg.namespaces)
        return str(node)

    def cell(self, value: Node | None, link: Linker, text: str | None = None) -> Cell:
        """Return a value as a cell: our IRIs link to their pages, others link out."""
        if value is None:
            return Cell("")
        if isinstance(value, URIRef):
            shown = text if text is not None else self.name(value, link.lang)
            path = node_path(value)
            if path is not None:
                return Cell(shown, link.page(path), khmer_lang(shown))
            external = str(value).startswith(("http://", "https://"))
            return Cell(shown, str(value) if external else None, khmer_lang(shown), external)
        if isinstance(value, Literal):
            return Cell(str(value), None, value.language or khmer_lang(str(value)))
        return Cell(str(value))

    def table(self, rows: Rows, link: Linker, *, limit: int | None = MAX_ROWS) -> Table:
        """Return ``rows`` as a table; a column ``x_name`` beside an IRI column ``x`` names it."""
        variables = list(rows.variables)
        companions = {v: f"{v}_name" for v in variables if f"{v}_name" in variables}
        shown = [v for v in variables if v not in companions.values()]
        cells = []
        for row in rows[:limit] if limit is not None else rows:
            line = []
            for column in shown:
                value = row[column]
                text = None
                if column in companions and isinstance(value, URIRef):
                    named = row[companions[column]]
                    if value not in self.labels() and named is not None:
                        text = str(named)
                line.append(self.cell(value, link, text))
            cells.append(tuple(line))
        return Table(tuple(shown), tuple(cells), len(rows))

    # -- rendering ---------------------------------------------------------------------------

    def _render(self, template: str, link: Linker, title: str, **context: Any) -> str:
        nav = [
            (link.page(path), _WORDS[path or "home"][link.lang], path == link.here)
            for path in PAGES
        ]
        return self.env.get_template(template).render(
            link=link,
            lang=link.lang,
            title=title,
            nav=nav,
            words={key: value[link.lang] for key, value in _WORDS.items()},
            version=_package_version("accsm-kg"),
            **context,
        )

    def page(self, link: Linker, path: str) -> str:
        """Return the page of :data:`PAGES` at ``path``."""
        render: dict[str, Callable[[Linker], str]] = {
            "": self.home,
            "meetings": self.meetings,
            "bodies": self.bodies,
            "chairs": self.chairs,
            "work-plans": self.work_plans,
            "queries": self.queries,
            "nodes": self.nodes_page,
            "validation": self.validation_page,
        }
        return render[path](link)

    def home(self, link: Linker) -> str:
        """Return the home page: what the graph is, a search box (on the server), the pages."""
        counts = {path.split("/")[0]: 0 for path, _ in self.nodes()}
        for path, _ in self.nodes():
            counts[path.split("/")[0]] += 1
        return self._render(
            "home.html", link, "ACCSM knowledge graph", triples=len(self.kg), counts=counts
        )

    def node(self, link: Linker, iri: URIRef) -> str:
        """Return the page of one node: its labels, every fact in both directions, its sources."""
        rows = self.kg.describe(iri, link.lang)
        facts: dict[str, list[dict[str, Any]]] = {"out": [], "in": []}
        for row in rows:
            sources = [self.cell(self.kg.iri(s), link) for s in _listed(row.sources)]
            agents = [self.cell(self.kg.iri(a), link) for a in _listed(row.attributed_to)]
            facts[str(row.direction)].append(
                {
                    "property": self.cell(row.property, link, str(row.property_label)),
                    "value": self.cell(
                        row.value,
                        link,
                        None if isinstance(row.value, Literal) else str(row.value_label),
                    ),
                    "graph": self.cell(row.graph, link, self.kg._curie(row.graph)),
                    "confidence": "" if row.confidence is None else str(row.confidence),
                    "sources": sources + agents,
                }
            )
        names = self.labels().get(iri, {})
        path = node_path(iri) or ""
        alternates = [
            (link.file(path + suffix), media) for suffix, (media, _) in RDF_FORMATS.items()
        ]
        kinds = [self.cell(kind, link) for kind in self.kinds().get(iri, [])]
        return self._render(
            "node.html",
            link,
            self.name(iri, link.lang),
            iri=str(iri),
            short=curie(iri, self.kg.namespaces),
            names=sorted(names.items()),
            kinds=kinds,
            facts=facts,
            alternates=alternates,
        )

    def rdf(self, iri: URIRef, suffix: str) -> bytes:
        """Return the description of a node (SPARQL ``DESCRIBE``) in the format of ``suffix``."""
        found = self.kg.construct("DESCRIBE ?n", {"n": iri}, timeout=self.timeout, inferred=False)
        graph = Graph()
        for prefix, namespace in self.kg.prefixes.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        # blank nodes get names by the order of their triples, so the same data gives the
        # same bytes whatever names the store gave them
        renamed: dict[BNode, BNode] = {}

        def key(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
            return tuple("_:" if isinstance(x, BNode) else x.n3() for x in triple)

        for triple in sorted(found, key=key):
            graph.add(
                tuple(  # type: ignore[arg-type]
                    renamed.setdefault(x, BNode(f"b{len(renamed)}")) if isinstance(x, BNode) else x
                    for x in triple
                )
            )
        name = RDF_FORMATS[suffix][1]
        if name == "nt":
            lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
            return ("\n".join(lines) + "\n").encode()
        if name == "json-ld":
            return graph.serialize(format="json-ld", indent=2, sort_keys=True).encode()
        return graph.serialize(format="turtle").encode()

    def search(self, link: Linker, text: str) -> str:
        """Return the search page: the form, and the nodes whose labels match ``text``."""
        results = []
        if text.strip():
            for row in self.kg.search(text, limit=50):
                results.append(
                    {
                        "node": self.cell(row.node, link),
                        "label": self.cell(row.label, link),
                        "kind": self.cell(row.kind, link),
                        "match": str(row.match),
                    }
                )
        return self._render(
            "search.html", link, _WORDS["search"][link.lang], text=text, results=results
        )

    def _named(self, name: str, **bindings: Any) -> Rows:
        return self.kg.named_query(name, timeout=self.timeout, inferred=False, **bindings)

    def meetings(self, link: Linker) -> str:
        """Return the meetings, by year, under the timeline picture."""
        rows = self._named("meetings")
        years: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            years.setdefault(str(row.start_date)[:4], []).append(index)
        groups = [
            (year, self.table(Rows(rows.variables, [rows[i] for i in found]), link))
            for year, found in sorted(years.items())
        ]
        picture = link.file(f"timeline-{link.lang}.svg") if self.timeline(link.lang) else None
        return self._render(
            "meetings.html", link, _WORDS["meetings"][link.lang], groups=groups, picture=picture
        )

    def _sections(self, link: Linker, key: str, sections: Sequence[tuple[str, str]]) -> str:
        tables = [
            (heading, name, named_queries()[name].question, self.table(self._named(name), link))
            for heading, name in sections
        ]
        return self._render("tables.html", link, _WORDS[key][link.lang], tables=tables)

    def bodies(self, link: Linker) -> str:
        """Return the bodies: agencies by country and framework, officials, resource centres."""
        return self._sections(
            link,
            "bodies",
            [
                ("Agencies by country", "country-agencies"),
                ("Officials", "officials"),
                ("Resource centres", "resource-centres"),
            ],
        )

    def chairs(self, link: Linker) -> str:
        """Return the chairs of each framework, by year."""
        return self._sections(
            link,
            "chairs",
            [("Chairmanships", "chairmanships"), ("With their sources", "chairs-with-sources")],
        )

    def work_plans(self, link: Linker) -> str:
        """Return the work plans, their initiatives and what they hold."""
        return self._sections(
            link,
            "work-plans",
            [
                ("Work plans", "work-plans"),
                ("Initiatives", "initiatives-proposed"),
                ("Contents", "work-plan-contents"),
            ],
        )

    def queries(self, link: Linker) -> str:
        """Return the list of named queries, each with its question."""
        listed = [(link.page(f"queries/{q.name}"), q) for q in named_queries().values()]
        return self._render("queries.html", link, _WORDS["queries"][link.lang], listed=listed)

    def query(self, link: Linker, query: NamedQuery, values: Mapping[str, str]) -> str:
        """Return a named query's page: its form (on the server), its answer and downloads."""
        rows = self.run(query, values)
        downloads = [
            (_download(link, query.name, suffix, values), suffix[1:].upper())
            for suffix in (".csv", ".json")
        ]
        return self._render(
            "query.html",
            link,
            query.name,
            query=query,
            values=values,
            table=self.table(rows, link),
            downloads=downloads,
        )

    def run(self, query: NamedQuery, values: Mapping[str, str]) -> Rows:
        """Run a named query with the values given (empty ones left out), as the form sends."""
        given = {key: value for key, value in values.items() if value.strip()}
        for key in given:
            query.parameter(key)  # a parameter it lacks is an error naming those it has
        return self._named(query.name, **given)

    def nodes_page(self, link: Linker) -> str:
        """Return the list of every node that has a page, by namespace."""
        groups: dict[str, list[tuple[Cell, str]]] = {}
        for path, iri in self.nodes():
            cell = self.cell(iri, link)
            groups.setdefault(path.split("/")[0], []).append((cell, curie(iri, self.kg.namespaces)))
        return self._render(
            "nodes.html", link, _WORDS["nodes"][link.lang], groups=sorted(groups.items())
        )

    def validation_page(self, link: Linker) -> str:
        """Return the validation status of the loaded data."""
        report = self.validation()
        return self._render(
            "validation.html", link, _WORDS["validation"][link.lang], report=report,
            text=str(report),
        )  # fmt: skip

    def error(self, link: Linker, status: int, message: str) -> str:
        """Return an error page saying what went wrong."""
        title = {400: "Bad request", 404: "Not found", 503: "Too slow"}.get(status, "Error")
        return self._render("error.html", link, f"{status} {title}", status=status, message=message)

    def style(self) -> bytes:
        """Return the style sheet."""
        return self.env.get_template("style.css").render().encode()


def _listed(value: Node | None) -> list[str]:
    """Return the prefixed names of a ``describe`` column that lists them, comma separated."""
    return [part.strip() for part in str(value).split(",") if part.strip()] if value else []


def _download(link: Linker, name: str, suffix: str, values: Mapping[str, str]) -> str:
    given = {key: value for key, value in values.items() if value.strip()}
    if link.static or not given:
        return link.file(f"queries/{name}{suffix}")
    return f"{link.file(f'queries/{name}{suffix}')}?{urlencode(given)}"


def paths(pages: Pages) -> Iterable[str]:
    """Return the logical path of every page, in order (nodes and named queries included)."""
    yield from PAGES
    yield from (f"queries/{name}" for name in sorted(named_queries()))
    yield from (path for path, _ in pages.nodes())
