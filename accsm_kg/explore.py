"""Exploring the graph: describe a node, search labels, list classes and properties, ask the domain.

:func:`describe`, :func:`search`, :func:`classes` and :func:`properties` return :class:`Rows`;
the domain questions (:func:`meetings`, :func:`delegations`, :func:`chair_on`,
:func:`officials`, :func:`initiatives`) run a named query and return a :class:`QueryFrame`, a
pandas DataFrame that keeps the SPARQL it ran. :class:`KnowledgeGraph` has a method for each.

>>> from accsm_kg import load
>>> kg = load()
>>> [str(row.node) for row in search(kg, "ministry of civil service", limit=1)]
['https://w3id.org/accsm-kg/id/mcs-cambodia']
>>> frame = meetings(kg, year=2009)
>>> frame[["meeting", "name"]].to_dict("records")
[{'meeting': 'kg:accsm-plus-three-meeting-2009', 'name': 'Inaugural ACCSM+3 Meeting'}]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from .display import Cell, khmer_lang
from .errors import AmbiguousNodeError, BindingError, OptionError, UnknownNodeError
from .khmer import normalise
from .queries import expand_iri, named_queries
from .resources import defining_vocabulary
from .results import Rows
from .terms import curie

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "LABEL_PROPERTIES",
    "QueryFrame",
    "chair_on",
    "classes",
    "delegations",
    "describe",
    "initiatives",
    "meetings",
    "officials",
    "properties",
    "resolve",
    "search",
]

#: The properties whose values name a node, the preferred first (a node's label is the first
#: found in the language asked).
LABEL_PROPERTIES: tuple[URIRef, ...] = (
    RDFS.label,
    SKOS.prefLabel,
    FOAF.name,
    SDO.name,
    DCTERMS.title,
    SKOS.altLabel,
    DCTERMS.alternative,
)

_LABELS_SPARQL = f"""
SELECT ?node ?property ?label ?class
WHERE {{
  VALUES ?property {{ {" ".join(f"<{p}>" for p in LABEL_PROPERTIES)} }}
  ?node ?property ?label .
  FILTER(isLiteral(?label) && !isBlank(?node))
  OPTIONAL {{ ?node a ?class FILTER(isIRI(?class)) }}
}}
"""

_DESCRIBE_SPARQL = """
SELECT ?direction ?property ?value ?graph ?confidence ?source ?attributed_to
WHERE {
  { GRAPH ?graph { ?node ?property ?value } BIND("out" AS ?direction) }
  UNION
  { GRAPH ?graph { ?value ?property ?node } BIND("in" AS ?direction) }
  OPTIONAL { ?graph prov:wasDerivedFrom ?source }
  OPTIONAL { ?graph accsm:confidence ?confidence }
  OPTIONAL { ?graph prov:wasAttributedTo ?attributed_to }
}
"""

_OCCURS_SPARQL = "ASK { { ?node ?p ?o } UNION { ?s ?node ?o } UNION { ?s ?p ?node } }"

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")

#: Classes that say little about what a node is, shown as its kind only when it has no other.
_GENERIC_CLASSES = frozenset(
    {
        OWL.NamedIndividual,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.ReflexiveProperty,
        RDFS.Resource,
        OWL.Thing,
    }
)

# -- labels ----------------------------------------------------------------------------------


def _check_language(lang: str) -> str:
    if not isinstance(lang, str) or not _LANGUAGE_TAG.fullmatch(lang):
        raise OptionError(f"lang is a language tag such as 'en' or 'km', not {lang!r}")
    return lang.lower()


def _matches(tag: str | None, wanted: str) -> bool:
    """Tell whether a language ``tag`` is ``wanted`` or one of its subtags, as langMatches."""
    if not tag:
        return False
    tag = tag.lower()
    return tag == wanted or tag.startswith(wanted + "-")


class _Labels:
    """Every label of the graph, by node, and the classes of the labelled nodes."""

    def __init__(self, kg: KnowledgeGraph, *, inferred: bool) -> None:
        self.namespaces = kg.namespaces
        self.labels: dict[Node, list[tuple[int, Literal]]] = {}
        self.classes: dict[Node, set[URIRef]] = {}
        seen: set[tuple[Node, Node | None, Literal]] = set()
        order = {prop: rank for rank, prop in enumerate(LABEL_PROPERTIES)}
        for row in kg.query(_LABELS_SPARQL, inferred=inferred):
            node, prop, label, kind = row
            assert node is not None
            assert isinstance(label, Literal)
            if isinstance(kind, URIRef):
                self.classes.setdefault(node, set()).add(kind)
            if (node, prop, label) not in seen:
                seen.add((node, prop, label))
                self.labels.setdefault(node, []).append((order[URIRef(str(prop))], label))

    def check_language(self, lang: str, *, fallback: bool = False) -> None:
        """Refuse a language no label of the graph is in, naming the languages there are.

        With ``fallback``, English is taken even so: labels fall back to English, then to
        the short name, so asking for it is never in vain.
        """
        if fallback and lang == "en":
            return
        tags = {label.language.lower() for found in self.labels.values() for _, label in found
                if label.language}  # fmt: skip
        if any(_matches(tag, lang) for tag in tags):
            return
        there = f"its labels are in {', '.join(sorted(tags))}" if tags else "it has no labels"
        raise OptionError(f"no label in the graph is in {lang!r}: {there}")

    def label(self, node: Node, lang: str) -> Literal | None:
        """Return the label of ``node`` in ``lang``, else in English, else one with no language."""
        found = self.labels.get(node, [])
        for wanted in (lang, "en", None):
            chosen = [
                (rank, str(label), label)
                for rank, label in found
                if (_matches(label.language, wanted) if wanted else not label.language)
            ]
            if chosen:
                return min(chosen, key=lambda c: (c[0], c[1]))[2]
        return None

    def name(self, node: Node | None, lang: str) -> Literal | None:
        """Return a label of ``node`` to show: its label, a literal itself, else its short name."""
        if node is None:
            return None
        if isinstance(node, Literal):
            return node
        label = self.label(node, lang)
        if label is not None:
            return label
        if isinstance(node, URIRef):
            return _vocabulary_label(node) or Literal(curie(node, self.namespaces))
        return Literal(node.n3())

    def kind(self, node: Node) -> URIRef | None:
        """Return the class that best says what ``node`` is: the project's own first."""
        found = self.classes.get(node)
        if not found:
            return None
        return min(found, key=_kind_order)


def _kind_order(kind: URIRef) -> tuple[bool, bool, str]:
    """Order classes by how well they say what a node is: the project's own first."""
    return (kind in _GENERIC_CLASSES, not kind.startswith("https://w3id.org/accsm-kg/"), kind)


def _vocabulary_label(term: URIRef) -> Literal | None:
    """Return the English label its own vocabulary gives a term the graph does not label."""
    said = defining_vocabulary(term)
    labels = [
        label
        for prop in (RDFS.label, SKOS.prefLabel)
        for label in said.objects(term, prop)
        if isinstance(label, Literal) and (not label.language or _matches(label.language, "en"))
    ]
    return min(labels, key=str) if labels else None


# -- search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    """Text as it is compared: its words, folded, and those words run together."""

    words: tuple[str, ...]
    compact: str


def _key(text: str) -> _Key:
    """Return the comparable form of ``text``: Khmer spellings made one, case and spacing ignored.

    Punctuation and symbols separate words as spaces do, so "ACCSM+3" is "accsm 3".
    """
    folded = normalise(text).casefold()
    spaced = "".join(" " if unicodedata.category(c)[0] in "PZS" else c for c in folded)
    words = tuple(spaced.split())
    return _Key(words, "".join(words))


#: The kinds of match, best first, with the score each gives.
_TIERS = {"exact": 1.0, "prefix": 0.9, "word": 0.8, "substring": 0.7, "fuzzy": 0.6}
_FUZZY_CUTOFF = 0.75


def _match(query: _Key, label: _Key) -> tuple[str, float] | None:
    """Return how ``label`` matches ``query`` (the kind of match, a score), or ``None``."""
    if label.compact == query.compact:
        return "exact", _TIERS["exact"]
    if label.compact.startswith(query.compact):
        return "prefix", _TIERS["prefix"]
    if set(query.words) <= set(label.words):
        return "word", _TIERS["word"]
    if query.compact in label.compact:
        return "substring", _TIERS["substring"]
    # the whole label first; a word of it counts a little less (a longer label says more)
    best = max(
        (
            _ratio(query.compact, candidate) * weight
            for candidate, weight in ((label.compact, 1.0), *((w, 0.9) for w in label.words))
        ),
        default=0.0,
    )
    if best >= _FUZZY_CUTOFF * 0.9:
        return "fuzzy", round(_TIERS["fuzzy"] * best, 3)
    return None


def _ratio(query: str, candidate: str) -> float:
    """Return how alike two texts are (difflib's ratio), or 0 below the cutoff."""
    matcher = difflib.SequenceMatcher(None, query, candidate, autojunk=False)
    if matcher.real_quick_ratio() < _FUZZY_CUTOFF or matcher.quick_ratio() < _FUZZY_CUTOFF:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= _FUZZY_CUTOFF else 0.0


def _search(
    labels: _Labels, text: str, lang: str | None, limit: int | None
) -> list[tuple[Node, Literal, str, float]]:
    """Return the best match of each node, best first: (node, label, kind of match, score)."""
    if not isinstance(text, str):
        raise OptionError(f"the search text is a str, not {type(text).__name__}")
    query = _key(text)
    if not query.compact:
        raise OptionError(f"nothing to search for in {text!r}: give a word of a label")
    wanted = _check_language(lang) if lang is not None else None
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise OptionError(f"limit is a whole number of at least 1, or None, not {limit!r}")
    if wanted is not None:
        labels.check_language(wanted)
    best: dict[Node, tuple[int, float, str, Literal, str]] = {}
    tiers = list(_TIERS)
    for node, found in labels.labels.items():
        for _, label in found:
            if wanted is not None and not _matches(label.language, wanted):
                continue
            matched = _match(query, _key(str(label)))
            if matched is None:
                continue
            kind, score = matched
            candidate = (tiers.index(kind), -score, " ".join(_key(str(label)).words), label, kind)
            if node not in best or candidate[:3] < best[node][:3]:
                best[node] = candidate
    ranked = sorted(best.items(), key=lambda item: (*item[1][:3], str(item[0])))
    return [(node, c[3], c[4], -c[1]) for node, c in ranked[:limit]]


def search(
    kg: KnowledgeGraph,
    text: str,
    lang: str | None = None,
    limit: int | None = 20,
    *,
    inferred: bool = False,
) -> Rows:
    """Return the nodes whose labels match ``text``, best first (see :meth:`KnowledgeGraph.search`).

    Columns: ``node``, ``label`` (the label that matched), ``language``, ``kind`` (its class),
    ``match`` (exact, prefix, word, substring or fuzzy) and ``score`` (1.0 for an exact match).
    """
    labels = _Labels(kg, inferred=inferred)
    rows = [
        (
            node,
            label,
            Literal(label.language or ""),
            labels.kind(node),
            Literal(kind),
            Literal(score),
        )
        for node, label, kind, score in _search(labels, text, lang, limit)
    ]
    variables = ["node", "label", "language", "kind", "match", "score"]
    return Rows(variables, rows, namespaces=kg.namespaces)


# -- nodes -----------------------------------------------------------------------------------


def _local(text: str) -> str:
    """Return the local name of an IRI or prefixed name (what follows the last / # or :)."""
    return re.split(r"[/#:]", text.strip().strip("<>"))[-1]


def _near(labels: _Labels, text: str, namespaces: Any) -> list[str]:
    """Return up to three nodes near ``text``: by their local names, then by their labels."""
    local = _local(text)
    nodes = {_local(str(node)): node for node in labels.labels if isinstance(node, URIRef)}
    near: list[Node] = [nodes[name] for name in difflib.get_close_matches(local, list(nodes), n=3)]
    with contextlib.suppress(OptionError):  # no word in it to search for
        near += [node for node, *_ in _search(labels, re.sub(r"[-_]+", " ", local), None, 3)]
    shown = dict.fromkeys(node for node in near)
    return [
        f"{curie(node, namespaces) if isinstance(node, URIRef) else node.n3()} "
        f"({labels.name(node, 'en')})"
        for node in list(shown)[:3]
    ]


def resolve(kg: KnowledgeGraph, node: object, *, inferred: bool = False) -> URIRef:
    """Return the IRI of ``node``: an IRI, a prefixed name (``kg:cambodia``) or a label.

    A label names the node whose label is it, in any language, compared as :func:`search`
    does. Raise :class:`UnknownNodeError` (with near matches) for a node that occurs nowhere,
    and :class:`AmbiguousNodeError` for a label of several nodes.

    >>> from accsm_kg import load
    >>> resolve(load(), "Cambodia")
    rdflib.term.URIRef('https://w3id.org/accsm-kg/id/cambodia')
    """
    if isinstance(node, URIRef):
        iri = node
    elif isinstance(node, str):
        try:
            iri = expand_iri(node, kg.prefixes)
        except BindingError:
            return _by_label(kg, node, inferred=inferred)
    else:
        raise BindingError(
            f"a node is a prefixed name, an IRI or a label (str or URIRef), not "
            f"{type(node).__name__}"
        )
    if not kg.ask(_OCCURS_SPARQL, {"node": iri}, inferred=inferred):
        labels = _Labels(kg, inferred=inferred)
        raise UnknownNodeError(kg._curie(iri), _near(labels, str(node), kg.namespaces))
    return iri


def _by_label(kg: KnowledgeGraph, text: str, *, inferred: bool) -> URIRef:
    labels = _Labels(kg, inferred=inferred)
    wanted = _key(text).compact
    named = sorted(
        {
            node
            for node, found in labels.labels.items()
            if isinstance(node, URIRef)
            and any(_key(str(text)).compact == wanted for _, text in found)
        }
    )
    if len(named) == 1:
        return named[0]
    if named:
        raise AmbiguousNodeError(text, [kg._curie(n) for n in named])
    raise UnknownNodeError(repr(text), _near(labels, text, kg.namespaces))


def describe(kg: KnowledgeGraph, node: object, lang: str = "en", *, inferred: bool = False) -> Rows:
    """Return every statement about ``node``, labelled, with its sources.

    See :meth:`KnowledgeGraph.describe`.
    """
    lang = _check_language(lang)
    labels = _Labels(kg, inferred=inferred)
    labels.check_language(lang, fallback=True)
    iri = resolve(kg, node, inferred=inferred)
    found = kg.query(_DESCRIBE_SPARQL, {"node": iri}, inferred=inferred)
    facts: dict[tuple[Node | None, ...], tuple[set[Node], set[Node], set[Node]]] = {}
    for row in found:
        key = (row.direction, row.property, row.value, row.graph)
        sources, confidences, agents = facts.setdefault(key, (set(), set(), set()))
        for term, bag in ((row.source, sources), (row.confidence, confidences)):
            if term is not None:
                bag.add(term)
        if row.attributed_to is not None:
            agents.add(row.attributed_to)

    def listed(terms: Iterable[Node]) -> Literal | None:
        names = sorted(kg._curie(t) for t in terms)
        return Literal(", ".join(names)) if names else None

    rows = []
    for (direction, prop, value, graph), (sources, confidences, agents) in facts.items():
        confidence = ", ".join(sorted(str(labels.name(c, lang)) for c in confidences))
        rows.append(
            (
                direction,
                prop,
                labels.name(prop, lang),
                value,
                labels.name(value, lang),
                graph,
                Literal(confidence) if confidence else None,
                listed(sources),
                listed(agents),
            )
        )

    def order(row: tuple[Node | None, ...]) -> tuple[object, ...]:
        direction, prop, prop_label, _, value_label, graph = row[:6]
        return (
            str(direction) != "out",
            prop != RDF.type,
            str(prop_label).casefold(),
            str(value_label).casefold(),
            str(graph),
        )

    rows.sort(key=order)
    variables = [
        "direction",
        "property",
        "property_label",
        "value",
        "value_label",
        "graph",
        "confidence",
        "sources",
        "attributed_to",
    ]
    return Rows(variables, rows, namespaces=kg.namespaces)


# -- classes and properties ------------------------------------------------------------------


def _counted(
    kg: KnowledgeGraph, name: str, column: str, count: str, lang: str, inferred: bool
) -> Rows:
    lang = _check_language(lang)
    labels = _Labels(kg, inferred=inferred)
    labels.check_language(lang, fallback=True)
    found = kg.named_query(name, inferred=inferred)
    rows = [(row[0], labels.name(row[0], lang), row[1]) for row in found]
    return Rows([column, "label", count], rows, namespaces=kg.namespaces)


def classes(kg: KnowledgeGraph, lang: str = "en", *, inferred: bool = False) -> Rows:
    """Return each class with its label and its number of instances, most instances first.

    The named query ``class-instances`` counts them.
    """
    return _counted(kg, "class-instances", "class", "instances", lang, inferred)


def properties(kg: KnowledgeGraph, lang: str = "en", *, inferred: bool = False) -> Rows:
    """Return each property with its label and the number of statements using it, most first.

    The named query ``property-usage`` counts them.
    """
    return _counted(kg, "property-usage", "property", "statements", lang, inferred)


# -- the domain, as data frames --------------------------------------------------------------


class QueryFrame(pd.DataFrame):
    """A pandas DataFrame that keeps the SPARQL it was made by, and its bindings.

    ``sparql`` holds the query text and ``bindings`` the value each parameter was given (as
    SPARQL writes it); both survive slicing and copies. In a notebook the query shows, folded,
    under the table.
    """

    _metadata = ["sparql", "bindings"]  # noqa: RUF012  # pandas reads it from the class
    sparql: str
    bindings: dict[str, str]

    @property
    def _constructor(self) -> type[QueryFrame]:
        return QueryFrame

    def _repr_html_(self) -> str | None:
        """Return the table (cut when long, Khmer cells marked), then the SPARQL it ran."""
        from .display import block, table

        rows = ([_cell(value) for value in row] for row in self.itertuples(index=False))
        shown = table([str(column) for column in self.columns], rows, total=len(self))
        sparql = getattr(self, "sparql", None) or ""
        bindings = getattr(self, "bindings", None) or {}
        bound = "".join(
            f"<li><code>?{html.escape(name)}</code> = <code>{html.escape(value)}</code></li>"
            for name, value in bindings.items()
        )
        listed = f"<p>Bindings:</p><ul>{bound}</ul>" if bound else ""
        return block(
            shown,
            f"<details><summary>SPARQL</summary><pre>{html.escape(sparql)}</pre>{listed}</details>",
        )


def _cell(value: object) -> Cell:
    """Return a DataFrame value as a table cell: empty for NA, ``lang="km"`` for Khmer text."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    text = "" if missing else str(value)
    return Cell(text, khmer_lang(text))


def _frame(
    kg: KnowledgeGraph,
    name: str,
    given: Mapping[str, Any],
    *,
    named: Iterable[str] = (),
    lang: str = "en",
    inferred: bool,
) -> QueryFrame:
    """Run the named query ``name`` with the ``given`` values that are not ``None``.

    IRIs show as prefixed names; each column in ``named`` gets a ``<column>_name`` column
    beside it, with the label of each value.
    """
    bindings = {key: value for key, value in given.items() if value is not None}
    query = named_queries()[name]
    terms = {
        key: query.parameter(key).convert(value, kg.prefixes) for key, value in bindings.items()
    }
    rows = kg.named_query(name, inferred=inferred, **terms)
    typed = rows.to_dataframe()
    named = list(named)
    labels = _Labels(kg, inferred=inferred) if named else None
    columns: dict[str, Any] = {}
    for column in rows.variables:
        values = rows.column(column)
        columns[column] = typed[column]
        if any(isinstance(v, URIRef) for v in values):
            shown = [None if v is None else kg._curie(v) for v in values]
            columns[column] = pd.Series(shown, dtype="string")
        if column in named and labels is not None:
            names = [None if v is None else str(labels.name(v, lang)) for v in values]
            columns[f"{column}_name"] = pd.Series(names, dtype="string")
    result = QueryFrame(columns, columns=list(columns))
    result.sparql = query.sparql
    result.bindings = {key: term.n3(kg.namespaces) for key, term in terms.items()}
    return result


def _node(kg: KnowledgeGraph, value: object | None, inferred: bool) -> URIRef | None:
    return None if value is None else resolve(kg, value, inferred=inferred)


_CLASSES_SPARQL = "SELECT DISTINCT ?class WHERE { ?node a ?class FILTER(isIRI(?class)) }"
_IS_A_SPARQL = "ASK { ?node a/rdfs:subClassOf* ?class }"
_AGENCIES_SPARQL = (
    "SELECT DISTINCT ?agency WHERE { ?agency accsm:agencyOf ?country } ORDER BY ?agency"
)


def _of_class(
    kg: KnowledgeGraph,
    value: object | None,
    expected: URIRef,
    noun: str,
    inferred: bool,
    *,
    agencies: bool = False,
) -> URIRef | None:
    """Resolve ``value`` (see :func:`resolve`) and refuse a node of another class.

    The node must be an instance of ``expected`` (or of a subclass of it), ``noun`` in words;
    a node of no class at all is let through, as the graph says nothing against it. With
    ``agencies``, a country is met with the agencies that act for it.
    """
    iri = _node(kg, value, inferred)
    if iri is None:
        return None
    classes = [row[0] for row in kg.query(_CLASSES_SPARQL, {"node": iri}, inferred=inferred)]
    if not classes or kg.ask(_IS_A_SPARQL, {"node": iri, "class": expected}, inferred=inferred):
        return iri
    labels = _Labels(kg, inferred=inferred)
    kind = min((c for c in classes if isinstance(c, URIRef)), key=_kind_order)
    named = str(labels.name(kind, "en"))
    named = named[:1].lower() + named[1:] if named[1:2].islower() else named
    hint = ""
    if agencies and kg.ask(_IS_A_SPARQL, {"node": iri, "class": _COUNTRY}, inferred=inferred):
        found = kg.query(_AGENCIES_SPARQL, {"country": iri}, inferred=inferred)
        listed = [f"{kg._curie(r[0])} ({labels.name(r[0], 'en')})" for r in found]
        whose = labels.name(iri, "en")
        if len(listed) == 1:
            hint = f"; the agency of {whose} is {listed[0]}"
        elif listed:
            more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
            hint = f"; the agencies of {whose} are {', '.join(listed[:5])}{more}"
    raise BindingError(f"{kg._curie(iri)} is {_a(named)}, not {_a(noun)}{hint}")


_ACCSM = "https://w3id.org/accsm-kg/ontology#"
_COUNTRY = URIRef(_ACCSM + "Country")
_MEETING = URIRef(_ACCSM + "Meeting")
_FRAMEWORK = URIRef(_ACCSM + "CooperationFramework")
_WORK_PLAN = URIRef(_ACCSM + "WorkPlan")


def _a(noun: str) -> str:
    """Return ``noun`` with its indefinite article."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _year(value: object) -> int | None:
    """Return a year given as a whole number or as its digits (ASCII or Khmer)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():  # 2020.0, as pandas may give it
        return int(value)
    text = normalise(value) if isinstance(value, str) else ""
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    raise BindingError(
        f"year is a whole number such as 2020 (or its digits as text, ASCII or Khmer: "
        f"'2020', '២០២០'), not {value!r}"
    )


def _date(value: object) -> dt.date:
    """Return a day given as a ``datetime.date`` or as an ISO date (ASCII or Khmer digits)."""
    wanted = (
        "date is a datetime.date or an ISO date, year first, such as 2020-11-02 (ASCII or "
        f"Khmer digits: ២០២០-១១-០២), not {value!r}"
    )
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0) or value.tzinfo is not None:
            raise BindingError(f"date is a day, not a moment of one: {value!r} (give its .date())")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = normalise(value) if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise BindingError(wanted)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BindingError(f"date: {value!r} is no day of the calendar") from None


def meetings(
    kg: KnowledgeGraph,
    year: int | None = None,
    body: object | None = None,
    *,
    inferred: bool = False,
) -> QueryFrame:
    """Return the meetings, by start date, of a ``year`` and of a ``body`` if given.

    A body is a framework, an organiser or a host (named query ``meetings``).
    """
    given = {"year": _year(year), "body": _node(kg, body, inferred)}
    return _frame(kg, "meetings", given, inferred=inferred)


def delegations(kg: KnowledgeGraph, meeting: object, *, inferred: bool = False) -> QueryFrame:
    """Return the delegations to a meeting, their size and head (``delegations-to-meeting``)."""
    given = {"meeting": _of_class(kg, meeting, _MEETING, "meeting", inferred)}
    return _frame(
        kg,
        "delegations-to-meeting",
        given,
        named=("meeting", "delegation", "country", "agency", "head"),
        inferred=inferred,
    )


def chair_on(
    kg: KnowledgeGraph,
    date: dt.date | str,
    framework: object | None = None,
    *,
    inferred: bool = False,
) -> QueryFrame:
    """Return who chaired a framework (each, if none is given) on ``date`` (``chair-on-date``)."""
    if date is None:
        raise OptionError("chair_on needs a date: a datetime.date or ISO text such as 2020-11-18")
    given = {
        "date": _date(date),
        "framework": _of_class(kg, framework, _FRAMEWORK, "cooperation framework", inferred),
    }
    return _frame(
        kg,
        "chair-on-date",
        given,
        named=("framework", "chairmanship", "country", "source"),
        inferred=inferred,
    )


def officials(
    kg: KnowledgeGraph, agency: object | None = None, *, inferred: bool = False
) -> QueryFrame:
    """Return the officials of an agency (of every one if none is given), in their posts.

    The named query ``officials`` finds them.
    """
    given = {
        "agency": _of_class(
            kg, agency, ORG.Organization, "agency or other organisation", inferred, agencies=True
        )
    }
    return _frame(kg, "officials", given, inferred=inferred)


def initiatives(
    kg: KnowledgeGraph,
    work_plan: object | None = None,
    proposed_by: object | None = None,
    *,
    inferred: bool = False,
) -> QueryFrame:
    """Return the initiatives proposed for a work plan, by a country.

    The named query ``initiatives-proposed`` finds them.
    """
    given = {
        "work_plan": _of_class(kg, work_plan, _WORK_PLAN, "work plan", inferred),
        "country": _node(kg, proposed_by, inferred),
    }
    return _frame(
        kg,
        "initiatives-proposed",
        given,
        named=("country", "work_plan", "continued_in"),
        inferred=inferred,
    )
