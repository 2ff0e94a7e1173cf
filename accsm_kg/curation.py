"""Curation without Turtle: templates read from the SHACL shapes, and rows made into TriG.

A curator writes rows (one per meeting, person, delegation...) in a CSV or YAML file whose columns
are those of a *template*. Every node shape with a target class is a template, named after the
shape (``shape:MeetingShape`` gives ``meeting``), and every property shape of it a column, named
after its ``sh:name`` (``"start date"`` gives ``start_date``): the columns, whether they are
required or repeatable, their datatypes and their allowed values all come from the shapes, so a new
shape gives a new template without new code.

:func:`import_file` reads the rows, checks each cell, builds the triples, validates them together
with the rest of the data as ``accsm-kg validate`` does (the SHACL shapes, Khmer dates against
their days, every statement attributed), and only then writes TriG in the style of the
hand-written files: each row's facts in the graph of the sources its ``source`` column names
(with the ``confidence`` column's level), described in a catalogue graph of the file's own. Every
error names the file, the row and the column.

IRIs are minted by one stable rule: ``kg:`` + the kebab-case slug of the row's ``id`` cell, or of
its English ``label`` (``preferred_label`` for a concept) when ``id`` is empty (accents
dropped, letters and digits kept, anything else a hyphen): ``"ACCSM Focal Points Meeting 2020"``
gives ``kg:accsm-focal-points-meeting-2020``. So importing the same rows again gives the same
file, and the file is then left untouched.

>>> meeting = template("meeting")
>>> [c.name for c in meeting.columns][:6]
['id', 'label', 'label_km', 'framework', 'source', 'start_date']
>>> slugify("Chhy Vichara"), mint_iri("Senior Officials Meeting 2020")
('chhy-vichara', rdflib.term.URIRef('https://w3id.org/accsm-kg/id/senior-officials-meeting-2020'))
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS, SH, SKOS, XSD
from rdflib.term import Node

from .errors import (
    AccsmKgError,
    BindingError,
    CurationError,
    EmptyFileError,
    EncodingError,
    LoadError,
)
from .knowledge_graph import PREFIXES, KnowledgeGraph, load
from .loading import decode, expand_paths, parse_dataset, parse_file
from .publish import atomic_write
from .queries import expand_iri
from .resources import (
    BASE_IRI,
    CONCEPT_BASE,
    GRAPH_BASE,
    ID_BASE,
    VOCABULARIES,
    bundled_paths,
    ontology_paths,
    shapes_paths,
    vocabulary_paths,
)
from .terms import is_valid_iri

if TYPE_CHECKING:
    import yaml

__all__ = [
    "Column",
    "ColumnKind",
    "CurationRow",
    "ImportResult",
    "Template",
    "curated_graph_base",
    "import_file",
    "mint_iri",
    "read_rows",
    "rows_to_graph",
    "slugify",
    "template",
    "templates",
    "to_trig",
    "to_turtle",
]

ColumnKind = TypingLiteral["id", "text", "literal", "iri", "any"]

_PROV_SOURCE = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
_ATTRIBUTED = URIRef("http://www.w3.org/ns/prov#wasAttributedTo")
_SEPARATOR = ";"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_LEXICAL = {
    XSD.gYear: re.compile(r"^-?[0-9]{4}$"),
    XSD.gYearMonth: re.compile(r"^-?[0-9]{4}-(0[1-9]|1[0-2])$"),
    XSD.decimal: re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"),
    XSD.boolean: re.compile(r"^(true|false|1|0)$"),
}
_EXAMPLES = {
    XSD.date: "2020-11-02",
    XSD.gYear: "2020",
    XSD.gYearMonth: "2021-10",
    XSD.integer: "8",
    XSD.decimal: "1.5",
    XSD.boolean: "true",
}
_TYPED = re.compile(r'^"(?P<lexical>.*)"(?:\^\^(?P<datatype>\S+)|@(?P<language>[A-Za-z0-9-]+))$')
_LABEL_PATHS = (RDFS.label, SKOS.prefLabel)
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)$")


@dataclass(frozen=True)
class Column:
    """One column of a template: the property it fills and what its cells may hold.

    :param kind: ``id`` (the row's own IRI), ``text`` (a language-tagged string in
        ``language``), ``literal`` (typed by one of ``datatypes``), ``iri`` (a resource, of
        ``of_class`` or one of ``allowed``), or ``any`` (an IRI or a literal).
    """

    name: str
    path: URIRef | None
    kind: ColumnKind
    description: str
    required: bool = False
    repeatable: bool = False
    datatypes: tuple[URIRef, ...] = ()
    language: str | None = None
    of_class: URIRef | None = None
    allowed: tuple[URIRef, ...] = ()

    def expects(self, namespaces: Mapping[str, str] = PREFIXES) -> str:
        """Say in a few words what a cell of this column holds.

        >>> template("meeting").column("start_date").expects()
        'a date, e.g. 2020-11-02'
        """
        if self.kind == "id":
            return "the row's own name (kebab-case); empty: made from the English label"
        if self.kind == "text":
            return f"text in {self.language}"
        if self.kind == "literal":
            kinds = [_curie(d, namespaces).removeprefix("xsd:") for d in self.datatypes]
            examples = [_EXAMPLES[d] for d in self.datatypes if d in _EXAMPLES]
            example = f", e.g. {examples[0]}" if examples else ""
            names = {"date": "a date", "integer": "an integer", "gYear": "a year", "string": "text"}
            return " or ".join(names.get(k, k) for k in kinds) + example
        if self.allowed:
            return "one of: " + ", ".join(_curie(a, namespaces) for a in self.allowed)
        if self.of_class is not None and self.path == _PROV_SOURCE:
            return "the IRI of a source document, e.g. kg:src-mcs-2020-11-02-focal-points"
        if self.of_class is not None:
            return f"the IRI of an existing {_curie(self.of_class, namespaces)}"
        if self.kind == "iri":
            return "an IRI (kg:..., schema:..., <https://...>)"
        return 'an IRI (kg:..., https://...) or a value (2016, "2016"^^xsd:gYear, "text"@en)'


@dataclass(frozen=True)
class Template:
    """The columns a curator fills in for one class, read from its node shape."""

    kind: str
    shape: URIRef
    target_class: URIRef
    columns: tuple[Column, ...]
    labels: Mapping[URIRef, tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: Classes every row also has, because the shape says ``sh:class`` of the node itself
    #: (a ``schema:WebPage`` is also an ``accsm:SourceDocument``).
    implied_types: tuple[URIRef, ...] = ()

    @property
    def label_column(self) -> Column | None:
        """The column of the row's name, from which an IRI is minted when ``id`` is empty.

        ``rdfs:label``, or else ``skos:prefLabel``, in the first language.

        >>> template("meeting").label_column.name, template("concept").label_column.name
        ('label', 'preferred_label')
        """
        for path in _LABEL_PATHS:
            for column in self.columns:
                if column.path == path and column.kind == "text" and not _is_other_language(column):
                    return column
        return None

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise CurationError(
            f"the {self.kind} template has no column {name!r} "
            f"(its columns: {', '.join(c.name for c in self.columns)})"
        )

    def header(self) -> str:
        """Return the template's CSV header line.

        >>> template("person").header()
        'id,label,label_km,name,name_km,source,confidence,holds,honorific'
        """
        return ",".join(c.name for c in self.columns)

    def describe(self) -> str:
        """Return one line per column: its name, whether it is required, and what it holds."""
        lines = [f"{self.kind} ({_curie(self.target_class, PREFIXES)}): one row each"]
        width = max(len(c.name) for c in self.columns)
        for c in self.columns:
            need = "required" if c.required else "optional"
            more = f", several separated by '{_SEPARATOR}'" if c.repeatable else ""
            lines.append(f"  {c.name:<{width}}  {need}{more}: {c.expects()}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_file` did.

    The file written, the things the rows describe, and whether the file changed (importing the
    same rows again leaves it as it was).
    """

    path: Path
    kind: str
    subjects: tuple[URIRef, ...]
    triples: int
    changed: bool


def slugify(text: str) -> str:
    """Return the lowercase kebab-case slug of ``text``, accents dropped.

    >>> slugify("Comissão da Função Pública (CFP)")
    'comissao-da-funcao-publica-cfp'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def mint_iri(name: str) -> URIRef:
    """Return the IRI minted for a row whose ``id`` (or English label) is ``name``.

    >>> mint_iri("ACCSM+3 Meeting 2020")
    rdflib.term.URIRef('https://w3id.org/accsm-kg/id/accsm-3-meeting-2020')
    """
    slug = slugify(name.removeprefix("kg:"))
    if not slug:
        raise CurationError(f"{name!r} gives no name: give the row an id in Latin letters")
    return URIRef(ID_BASE + slug)


def _curie(iri: Node, namespaces: Mapping[str, str]) -> str:
    text = str(iri)
    for prefix, base in sorted(namespaces.items(), key=lambda item: -len(item[1])):
        if text.startswith(base) and _LOCAL.match(text[len(base) :]):
            return f"{prefix}:{text[len(base) :]}"
    return f"<{text}>"


# -- templates from the shapes ------------------------------------------------------------------


def _column_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _scheme_concepts(shapes: Graph, vocabularies: Graph, node_shape: Node) -> list[URIRef]:
    concepts: list[URIRef] = []
    for prop in shapes.objects(node_shape, SH.property):
        if shapes.value(prop, SH.path) == SKOS.inScheme:
            scheme = shapes.value(prop, SH.hasValue)
            found = vocabularies.subjects(SKOS.inScheme, scheme)
            concepts += sorted(c for c in found if isinstance(c, URIRef))
    return concepts


def _build_column(
    name: str, path: URIRef, shapes_of_path: list[Node], shapes: Graph, vocabularies: Graph
) -> list[Column]:
    def values(predicate: URIRef) -> list[Node]:
        return [v for s in shapes_of_path for v in shapes.objects(s, predicate)]

    counts = [*values(SH.minCount), *values(SH.qualifiedMinCount)]
    required = any(int(v) >= 1 for v in counts if isinstance(v, Literal))
    repeatable = not any(int(v) == 1 for v in values(SH.maxCount) if isinstance(v, Literal))
    comments = [str(v) for v in values(RDFS.comment)]
    description = comments[0] if comments else ""
    datatypes = [d for d in values(SH.datatype) if isinstance(d, URIRef)]
    for alternatives in values(SH["or"]):
        for member in Collection(shapes, alternatives):
            datatypes += [d for d in shapes.objects(member, SH.datatype) if isinstance(d, URIRef)]
    common: dict[str, Any] = {
        "name": name,
        "path": path,
        "description": description,
        "repeatable": repeatable,
    }
    if RDF.langString in datatypes:
        languages: list[str] = []
        for listed in values(SH.languageIn):
            languages += [str(x) for x in Collection(shapes, listed)]
        languages = languages or ["en", "km"]
        first, *others = languages
        # a language a qualified shape requires (sh:qualifiedMinCount 1 of sh:languageIn ( "km" ))
        needed = {
            str(language)
            for prop in shapes_of_path
            if isinstance(least := shapes.value(prop, SH.qualifiedMinCount), Literal)
            and int(least) >= 1
            for qualified in shapes.objects(prop, SH.qualifiedValueShape)
            for listed in shapes.objects(qualified, SH.languageIn)
            for language in Collection(shapes, listed)
        }
        # one value per language where the shape says sh:uniqueLang
        unique_language = any(v == Literal(True) for v in values(SH.uniqueLang))
        common["repeatable"] = repeatable and not unique_language
        columns = [Column(kind="text", language=first, required=required, **common)]
        # only the first language is required; the others are optional columns
        columns += [
            Column(
                name=f"{name}_{other}",
                path=path,
                kind="text",
                description=description,
                repeatable=common["repeatable"],
                language=other,
                required=other in needed,
            )
            for other in others
        ]
        return columns
    if datatypes:
        unique = tuple(dict.fromkeys(datatypes))
        return [Column(kind="literal", datatypes=unique, required=required, **common)]
    allowed: list[URIRef] = []
    for listed in values(SH["in"]):
        allowed += [x for x in Collection(shapes, listed) if isinstance(x, URIRef)]
    for node_shape in values(SH.node):
        allowed += _scheme_concepts(shapes, vocabularies, node_shape)
    classes = [c for c in values(SH["class"]) if isinstance(c, URIRef)]
    is_iri = bool(allowed or classes) or SH.IRI in values(SH.nodeKind)
    return [
        Column(
            kind="iri" if is_iri else "any",
            required=required,
            of_class=classes[0] if classes else None,
            allowed=tuple(allowed),
            **common,
        )
    ]


def _is_other_language(column: Column) -> bool:
    return column.kind == "text" and column.name.endswith(f"_{column.language}")


def _sorted(columns: list[Column]) -> list[Column]:
    """Sort columns: the label, required ones, optional ones, each by name.

    A column in another language comes right after its first-language column.
    """
    first = {c.path: c for c in columns if not _is_other_language(c)}
    paths = {c.path for c in columns}
    label = next((p for p in _LABEL_PATHS if p in paths), None)

    def key(column: Column) -> tuple[int, str, int]:
        base = first.get(column.path, column)
        rank = 0 if base.path == label else (1 if base.required else 2)
        return (rank, base.name, 0 if base is column else 1)

    return sorted(columns, key=key)


def _implied_types(shapes: Graph, shape: URIRef) -> list[URIRef]:
    """Return the classes a shape's focus nodes must also have (``sh:class`` on the node shape).

    With the classes those imply in turn, so that a row can be given every type it needs.
    """
    found: list[URIRef] = []
    todo = [shape]
    while todo:
        for implied in shapes.objects(todo.pop(), SH["class"]):
            if isinstance(implied, URIRef) and implied not in found:
                found.append(implied)
                todo += [
                    s for s in shapes.subjects(SH.targetClass, implied) if isinstance(s, URIRef)
                ]
    return found


def _template(shapes: Graph, vocabularies: Graph, shape: URIRef) -> Template | None:
    target = shapes.value(shape, SH.targetClass)
    if not isinstance(target, URIRef):
        return None
    implied = [c for c in _implied_types(shapes, shape) if c != target]
    # A row of an implied class, or of a superclass (a role is a skos:Concept by W3C ORG), must
    # conform to that class's shapes too: their columns are ours.
    supers = [c for c in vocabularies.transitive_objects(target, RDFS.subClassOf) if c != target]
    node_shapes = [shape]
    for cls in [*implied, *(c for c in supers if c not in implied)]:
        node_shapes += sorted(
            s for s in shapes.subjects(SH.targetClass, cls) if isinstance(s, URIRef)
        )
    by_path: dict[URIRef, list[Node]] = {}
    for node_shape in node_shapes:
        for prop in shapes.objects(node_shape, SH.property):
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef):
                by_path.setdefault(path, []).append(prop)
    columns: list[Column] = []
    for path, props in by_path.items():
        named = sorted(
            props,
            key=lambda p: (
                not any(True for _ in shapes.objects(p, SH.minCount)),
                str(shapes.value(p, SH.name)),
            ),
        )
        name = _column_name(str(shapes.value(named[0], SH.name) or path.split("#")[-1]))
        columns += _build_column(name, path, props, shapes, vocabularies)
    columns = _sorted(columns)
    own = Column(name="id", path=None, kind="id", description="The row's own name.")
    local = re.split(r"[#/]", str(shape))[-1].removesuffix("Shape")
    kind = re.sub(r"(?<!^)(?=[A-Z])", "-", local)
    labels: dict[URIRef, tuple[str, ...]] = {}
    for column in columns:
        for concept in column.allowed:
            names = [*vocabularies.objects(concept, SKOS.prefLabel)]
            names += [*vocabularies.objects(concept, SKOS.altLabel)]
            labels[concept] = tuple(str(n).lower() for n in names)
    return Template(kind.lower(), shape, target, (own, *columns), labels, tuple(implied))


@cache
def _vocabulary_terms() -> frozenset[Node]:
    """Return every term the vocabularies of the offline catalog describe."""
    terms: set[Node] = set()
    for path in vocabulary_paths():
        terms.update(parse_file(path).triples.subjects())
    return frozenset(terms)


def _unknown_term(iri: URIRef) -> bool:
    """Say whether ``iri``, not in the data, is in our namespace or a vocabulary's, yet no term."""
    ours = str(iri).startswith(BASE_IRI) or any(str(iri).startswith(v) for v in VOCABULARIES)
    return ours and iri not in _vocabulary_terms()


@cache
def _bundled_graphs() -> tuple[Graph, Graph]:
    shapes = Graph()
    for path in shapes_paths():
        shapes += parse_file(path).triples
    vocabularies = Graph()
    for path in ontology_paths():
        vocabularies += parse_file(path).triples
    return shapes, vocabularies


def templates(
    shapes: Graph | None = None, vocabularies: Graph | None = None
) -> dict[str, Template]:
    """Return a template for every node shape with a target class, by name.

    :param shapes: the SHACL shapes; by default the bundled ones.
    :param vocabularies: where the concepts of SKOS schemes are; by default the bundled ontology.

    >>> sorted(templates())[:4]
    ['agenda-item', 'assertion-graph', 'chairmanship', 'claim']
    """
    bundled_shapes, bundled_vocabularies = _bundled_graphs()
    shapes = bundled_shapes if shapes is None else shapes
    vocabularies = bundled_vocabularies if vocabularies is None else vocabularies
    found = {}
    for shape in sorted(
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
    ):
        made = _template(shapes, vocabularies, shape)
        if made is not None:
            found[made.kind] = made
    return found


def template(kind: str) -> Template:
    """Return the bundled template called ``kind`` (``meeting``, ``person``, ...)."""
    known = templates()
    if kind not in known:
        raise CurationError(f"no template {kind!r}; the templates are: {', '.join(sorted(known))}")
    return known[kind]


# -- reading rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurationRow:
    """One row of a curator's file: its number (a CSV line, a YAML item) and its cells."""

    number: int
    cells: dict[str, list[str]]


#: How deep YAML values may nest (a file of rows needs 5 levels), and how many values the
#: aliases of a YAML file may repeat beyond those it writes out: an alias of an alias of ...
#: doubles its values at each step, and refusing more keeps the work of reading a file in
#: proportion to its size.
_DEPTH_LIMIT = 20
_ALIAS_LIMIT = 10_000
_TOO_DEEP = (
    f"more than {_DEPTH_LIMIT} deep; a row is a mapping of column to value, and a value a text "
    "or a list of texts"
)
#: Digits beyond which a number is text: a YAML number is kept as written, and a cell is no
#: integer (Python will not print one of more than 4300 digits; a sexagesimal one grows fast).
_NUMBER_LIMIT = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _shown(value: object, limit: int = 60) -> str:
    """Return ``repr(value)``, cut short for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text_value(text: str) -> list[str]:
    control = _CONTROL.search(text)
    if control:
        raise ValueError(
            f"a control character (U+{ord(control.group()):04X}) is not text; remove it"
        )
    text = text.strip()
    return [text] if text else []


def _cell_values(value: object) -> list[str]:
    """Return the texts of a YAML value: a text, a number, a date, or a list of them.

    :raises ValueError: a mapping, a set or binary data, or a control character in a text.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in _cell_values(item)]
    if isinstance(value, dict | tuple):  # a tuple is a pair of !!omap or !!pairs
        raise ValueError("not a text value (a mapping; write the value itself)")
    if isinstance(value, set | bytes):
        what = "a set" if isinstance(value, set) else "binary data"
        raise ValueError(f"not a text value ({what}; write the value itself)")
    if isinstance(value, dt.datetime | dt.date):
        return [value.isoformat()]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return _text_value(str(value))


def _read_text(path: Path) -> str:
    """Return a curator's file as text: UTF-8, with or without a byte-order mark.

    :raises CurationError: it cannot be read, or it is not UTF-8 (naming the line and column).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CurationError(f"{path}: cannot be read: {error.strerror or error}") from None
    try:
        return decode(path, data)
    except EmptyFileError:
        return ""
    except EncodingError as error:
        problem = str(error).removeprefix(f"{error.filename}:{error.lineno}:{error.offset}: ")
        raise CurationError(
            f"{path}: line {error.lineno}, column {error.offset}: {problem} "
            "(in a spreadsheet, save as 'CSV UTF-8')"
        ) from None


#: A cell written as a Turtle literal in a CSV file without CSV quoting (``"2016"^^xsd:gYear``,
#: ``"text"@en``): the csv module would drop its quotes, so it is quoted for CSV first.
_BARE_LITERAL_CELL = re.compile(
    r'(?<![^,\n])"((?:[^"\n]|"")*)"(\^\^[^,\s"]+|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)(?=,|\r?$)',
    re.MULTILINE,
)


def _read_csv(path: Path) -> list[CurationRow]:
    text = _read_text(path)
    nul = text.find("\0")
    if nul >= 0:
        line, column = text.count("\n", 0, nul) + 1, nul - text.rfind("\n", 0, nul)
        raise CurationError(
            f"{path}: line {line}, column {column}: a NUL character, which no text holds; is "
            "the file UTF-16? (in a spreadsheet, save as 'CSV UTF-8')"
        )
    text = _BARE_LITERAL_CELL.sub(lambda m: '"""' + m[1] + '""' + m[2] + '"', text)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        counts = Counter(header)
        twice = sorted(name for name, count in counts.items() if name and count > 1)
        if twice:
            problems = [f"{path}: line 1, column {name}: in the header twice" for name in twice]
            raise CurationError.listing(path, problems)
        rows = []
        problems = []
        for record in reader:
            if None in record:
                raise CurationError(f"{path}: row {reader.line_num}: more cells than columns")
            cells = {}
            for key, value in record.items():
                try:
                    cells[key.strip()] = [
                        v for part in (value or "").split(_SEPARATOR) for v in _text_value(part)
                    ]
                except ValueError as error:
                    problems.append(f"{path}: row {reader.line_num}, column {key.strip()}: {error}")
            rows.append(CurationRow(reader.line_num, cells))
    except csv.Error as error:
        message = str(error)
        if message.startswith("field larger than field limit"):
            message = (
                f"a cell of more than {csv.field_size_limit():,} characters; is it a file of "
                "rows? (a quote left open runs on to the end of the file)"
            )
        raise CurationError(f"{path}: line {reader.reader.line_num}: {message}") from None
    if problems:
        raise CurationError.listing(path, problems)
    return rows


@cache
def _row_loader() -> Callable[[str, Path], yaml.SafeLoader]:
    """Return PyYAML's safe loader, bounded: how deep values nest, how far aliases expand.

    It refuses, naming the file and line, a value nested too deep, an alias inside its own
    anchor (a value that never ends), and aliases that would repeat :data:`_ALIAS_LIMIT` values
    more than the file writes out (an alias of an alias of ... doubles its values at each step).
    A date that is no day (``2020-02-30``) and a long number are read as the text written, for
    the cells' checks to report; a value its tag cannot read (``!!int x``) is a YAML error.
    """
    import yaml

    class RowLoader(yaml.SafeLoader):
        def __init__(self, text: str, path: Path) -> None:
            super().__init__(text)
            self.name = str(path)  # marks name the file, not "<unicode string>"
            self.path = path
            self.depth = 0
            self.open_anchors: set[str] = set()
            self.sizes: dict[int, tuple[int, int]] = {}  # id of a node: its values, its depth
            self.aliased = 0  # values aliases repeat
            self.written = 0  # values written out

        def refuse(self, event: yaml.Event, problem: str) -> NoReturn:
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise CurationError(f"{self.path}: line {line}: {problem}")

        def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
            event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
            key = index.value if isinstance(index, yaml.ScalarNode) else None
            value_of = f", the value of {key}," if isinstance(key, str) else ""
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor
                if anchor in self.open_anchors:
                    self.refuse(
                        event,
                        f"*{anchor}{value_of} is inside its own anchor &{anchor}, so its value "
                        "never ends; write the values out",
                    )
                target = self.anchors.get(anchor)
                if target is not None:  # else PyYAML reports an undefined alias
                    size, height = self.sizes[id(target)]
                    self.aliased += size
                    if self.aliased > self.written + _ALIAS_LIMIT:
                        self.refuse(
                            event,
                            f"*{anchor}{value_of} expands aliases beyond "
                            f"{self.written + _ALIAS_LIMIT:,} values (a file's aliases may repeat "
                            f"{_ALIAS_LIMIT:,} values more than it writes out); write the values "
                            "out",
                        )
                    if self.depth + height > _DEPTH_LIMIT:
                        self.refuse(event, f"*{anchor}{value_of} nests values {_TOO_DEEP}")
                return super().compose_node(parent, index)  # type: ignore[arg-type]
            if self.depth >= _DEPTH_LIMIT:
                self.refuse(event, f"values nested {_TOO_DEEP}")
            anchor = getattr(event, "anchor", None)
            self.depth += 1
            self.written += 1
            if anchor is not None:
                self.open_anchors.add(anchor)
            try:
                node = super().compose_node(parent, index)  # type: ignore[arg-type]
            finally:
                self.depth -= 1
                self.open_anchors.discard(anchor)
            if isinstance(node, yaml.SequenceNode):
                children = [self.sizes[id(child)] for child in node.value]
            elif isinstance(node, yaml.MappingNode):
                children = [self.sizes[id(child)] for pair in node.value for child in pair]
            else:
                children = []
            self.sizes[id(node)] = (
                1 + sum(size for size, _ in children),
                1 + max((height for _, height in children), default=0),
            )
            return node

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, LookupError, AttributeError):  # e.g. !!int x, !!bool x
                shown = _shown(node.value) if isinstance(node, yaml.ScalarNode) else "a collection"
                raise yaml.constructor.ConstructorError(
                    None, None, f"{shown} is not a value of {node.tag}", node.start_mark
                ) from None

        def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
            if len(node.value) > _NUMBER_LIMIT:
                return node.value
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, AttributeError):  # no such day (2020-02-30), or no timestamp
                return node.value

    RowLoader.add_constructor("tag:yaml.org,2002:int", RowLoader.construct_yaml_int)
    RowLoader.add_constructor("tag:yaml.org,2002:timestamp", RowLoader.construct_yaml_timestamp)
    return RowLoader


def _yaml_duplicates(path: Path, node: Any) -> list[str]:
    """Return a problem for each key given twice in a mapping of the YAML document ``node``.

    A node reached again through an alias is read once.
    """
    import yaml

    problems: list[str] = []
    rows: list[Any] = []
    if isinstance(node, yaml.SequenceNode):
        rows = node.value
    elif isinstance(node, yaml.MappingNode):
        rows = next(
            (
                v.value
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode)
                and k.value == "rows"
                and isinstance(v, yaml.SequenceNode)
            ),
            [],
        )
    numbers = {id(item): n for n, item in enumerate(rows, start=1)}
    seen_nodes: set[int] = set()

    def walk(item: Any, number: int | None) -> None:
        if id(item) in seen_nodes:
            return
        seen_nodes.add(id(item))
        if isinstance(item, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in item.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    name = str(key.value)
                    if name in seen:
                        where = f"row {number}, column {name}" if number else f"key {name}"
                        problems.append(
                            f"{path}: {where}: given twice (lines {seen[name]} and {line}); "
                            "keep one"
                        )
                    seen.setdefault(name, line)
                walk(value, number)
        elif isinstance(item, yaml.SequenceNode):
            for child in item.value:
                walk(child, numbers.get(id(child), number))

    walk(node, None)
    return problems


def _read_yaml(path: Path) -> tuple[str | None, list[CurationRow]]:
    import yaml

    text = _read_text(path)
    try:
        loader = _row_loader()(text, path)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        raise CurationError(
            f"{path}: line {line}, column {column}: the character U+{error.character:04X}, which "
            "YAML does not allow in a file; remove it (or write it as an escape in quotes)"
        ) from None
    try:
        node = loader.get_single_node()
        duplicates = _yaml_duplicates(path, node)
        if duplicates:
            raise CurationError.listing(path, duplicates)
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise CurationError(f"{path}: not valid YAML ({error})") from None
    finally:
        loader.dispose()
    kind = None
    if isinstance(document, dict):
        kind = document.get("kind")
        document = document.get("rows")
    if not isinstance(document, list):
        raise CurationError(
            f"{path}: a YAML template is a list of rows (mappings of column to value), "
            "or a mapping with 'kind' and 'rows'"
        )
    rows = []
    problems = []
    for number, record in enumerate(document, start=1):
        if not isinstance(record, dict):
            problems.append(
                f"{path}: row {number}: {_shown(record)} is not a row; a row is a mapping of "
                "column to value (column: value, each on its own line)"
            )
            continue
        cells = {}
        for key, value in record.items():
            try:
                cells[str(key)] = _cell_values(value)
            except ValueError as error:
                problems.append(f"{path}: row {number}, column {key}: {error}")
        rows.append(CurationRow(number, cells))
    if problems:
        raise CurationError.listing(path, problems)
    return (str(kind) if kind is not None else None), rows


def read_rows(path: Path) -> tuple[str | None, list[CurationRow]]:
    """Read a CSV or YAML file of rows, UTF-8 encoded (a byte-order mark is allowed).

    Return the template kind the file names (YAML ``kind:``), if any, and the rows, numbered as a
    curator sees them (a CSV's line, a YAML list's item). The work is in proportion to the file:
    YAML aliases that would repeat more than 10,000 values beyond those written out, and values
    nested more than 20 deep, are refused.

    :raises CurationError: no such file, not UTF-8 (with the line), not rows, a column given
        twice (in a CSV header, or as a YAML key), a YAML mapping where a value belongs, a
        control character in a value, a CSV cell past the csv module's field limit, or YAML
        aliases that expand too far (each naming the file and line).
    """
    if not path.is_file():
        raise CurationError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return None, _read_csv(path)
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path)
    raise CurationError(f"{path}: accsm-kg imports .csv, .yaml or .yml files")


# -- rows to triples ------------------------------------------------------------------------------


def _literal(column: Column, text: str) -> Literal:
    for datatype in column.datatypes:
        if datatype == XSD.string:
            return Literal(text)
        if datatype == XSD.date:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                continue
            if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text):
                return Literal(text, datatype=datatype)
            continue
        if datatype in (XSD.integer, XSD.positiveInteger, XSD.nonNegativeInteger):
            if _INTEGER.match(text) and len(text) <= _NUMBER_LIMIT:
                return Literal(str(int(text)), datatype=XSD.integer)
            continue
        pattern = _LEXICAL.get(datatype)
        if pattern is None or pattern.match(text):
            return Literal(text, datatype=datatype)
    raise ValueError(f"{text!r} is not {column.expects()}")


def _iri(text: str, column: Column, template: Template) -> URIRef:
    if column.allowed:
        wanted = text.strip().lower()
        for allowed in column.allowed:
            names = {str(allowed).lower(), _curie(allowed, PREFIXES).lower()}
            names |= {str(allowed).rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()}
            if wanted in names or wanted in template.labels.get(allowed, ()):
                return allowed
        raise ValueError(f"{text!r} is not {column.expects()}")
    if re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", text):
        return URIRef(ID_BASE + text)
    return _expand(text)


def _expand(text: str) -> URIRef:
    """Return the IRI a cell names (``kg:x``, ``<https://...>``), one Turtle can write.

    :raises ValueError: it names none.
    """
    try:
        iri = expand_iri(text, PREFIXES)
    except BindingError:
        raise ValueError(
            f"{text!r} is not an IRI (kg:..., a known prefix, or <https://...>)"
        ) from None
    try:
        valid = is_valid_iri(iri) and bool(ox.NamedNode(iri))  # Oxigraph reads it as written
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(
            f'{text!r} is not an IRI: no space, control character or any of <>"{{}}|^`\\ '
            "can stand in one, and a % is followed by two hex digits"
        )
    return iri


def _any(text: str, datatypes: Sequence[URIRef] = ()) -> Node:
    """Read a cell that may hold an IRI or a literal.

    A Turtle literal is taken as written; a bare value is typed by the first of ``datatypes``
    it fits, else an integer or a string.

    >>> _any('"2016"^^xsd:gYear').n3(), _any('"Bangkok"@en').n3()
    ('"2016"^^<http://www.w3.org/2001/XMLSchema#gYear>', '"Bangkok"@en')
    >>> _any("2016", [XSD.gYear]).n3(), _any("2016").n3()
    ('"2016"^^<http://www.w3.org/2001/XMLSchema#gYear>', '"2016"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    typed = _TYPED.match(text)
    if typed:
        if typed["language"]:
            return Literal(typed["lexical"], lang=typed["language"])
        try:
            datatype = _expand(typed["datatype"])
        except ValueError:
            raise ValueError(f"{typed['datatype']!r} is not a datatype (xsd:gYear, ...)") from None
        return Literal(typed["lexical"], datatype=datatype)
    prefix, colon, _ = text.partition(":")
    bracketed = text.startswith("<") and text.endswith(">")
    if (colon and prefix in PREFIXES) or bracketed or re.match(r"^https?://\S+$", text):
        return _expand(text)
    if datatypes:
        column = Column("value", None, "literal", "", datatypes=tuple(datatypes))
        try:
            return _literal(column, text)
        except ValueError:
            pass
    if _INTEGER.match(text) and len(text) <= _NUMBER_LIMIT:
        return Literal(int(text))
    return Literal(text)


def _datatypes_of(predicate: URIRef) -> tuple[URIRef, ...]:
    """Return the datatypes the shapes (or else the ontology's range) give ``predicate``.

    >>> [str(d) for d in _datatypes_of(URIRef("https://schema.org/foundingDate"))]
    ['http://www.w3.org/2001/XMLSchema#gYear']
    """
    shapes, vocabularies = _bundled_graphs()
    found: list[URIRef] = []
    for prop in shapes.subjects(SH.path, predicate):
        found += [d for d in shapes.objects(prop, SH.datatype) if isinstance(d, URIRef)]
        for alternatives in shapes.objects(prop, SH["or"]):
            for member in Collection(shapes, alternatives):
                found += [d for d in shapes.objects(member, SH.datatype) if isinstance(d, URIRef)]
    if not found:
        ranges = vocabularies.objects(predicate, RDFS.range)
        found = [r for r in ranges if isinstance(r, URIRef) and str(r).startswith(str(XSD))]
    return tuple(dict.fromkeys(d for d in found if d != RDF.langString))


def _row_order(problem: tuple[int, str]) -> int:
    return problem[0]


def rows_to_graph(
    rows: Sequence[CurationRow], template: Template, *, where: str = "rows"
) -> tuple[Graph, dict[URIRef, int], list[str]]:
    """Turn rows into triples by ``template``.

    Return the graph, the row of each subject, and the problems found, each naming the row and
    column: first those of the whole file (a column that is unknown, or required but missing),
    then those of each row, in row order.

    A value column (``rdf:object``, as in a claim) takes a Turtle literal as written
    (``"2016"^^xsd:gYear``, ``"text"@en``); a bare value is typed as the shapes type the row's
    property (``2016`` is an ``xsd:gYear`` for ``schema:foundingDate``).
    """
    graph = Graph()
    subjects: dict[URIRef, int] = {}
    problems: list[tuple[int, str]] = []
    names = {c.name for c in template.columns}
    present = {name for row in rows for name in row.cells}
    for name in sorted(present - names):
        problems.append(
            (
                0,
                f"{where}: column {name}: not a column of the {template.kind} template "
                f"(its columns: {template.header()})",
            )
        )
    label = template.label_column
    label_name = label.name if label is not None else "id"
    missing = set()
    for column in template.columns:
        if column.required and column.name not in present:
            missing.add(column.name)
            problems.append((0, f"{where}: column {column.name}: required, not in the header"))
    for row in rows:
        own = row.cells.get("id") or row.cells.get(label_name) or []
        if not own:
            if label_name not in missing:
                problems.append(
                    (
                        row.number,
                        f"{where}: row {row.number}, column {label_name}: required (or give an id)",
                    )
                )
            continue
        try:
            subject = mint_iri(own[0])
        except CurationError as error:
            problems.append((row.number, f"{where}: row {row.number}, column id: {error}"))
            continue
        if subject in subjects:
            problems.append(
                (
                    row.number,
                    f"{where}: row {row.number}, column id: {_curie(subject, PREFIXES)} is also "
                    f"the name of row {subjects[subject]}; give one of them another id",
                )
            )
            continue
        subjects[subject] = row.number
        for cls in (template.target_class, *template.implied_types):
            graph.add((subject, RDF.type, cls))
        hints: tuple[URIRef, ...] = ()
        for column in template.columns:
            if column.path == RDF.predicate and len(row.cells.get(column.name, [])) == 1:
                with contextlib.suppress(ValueError):  # the property column reports it
                    hints = _datatypes_of(_iri(row.cells[column.name][0], column, template))
        for column in template.columns:
            values = row.cells.get(column.name, [])
            if column.required and not values and column.name not in missing:
                problems.append(
                    (row.number, f"{where}: row {row.number}, column {column.name}: required")
                )
            if not values or column.kind == "id" or column.path is None:
                continue
            if len(values) > 1 and not column.repeatable:
                problems.append(
                    (
                        row.number,
                        f"{where}: row {row.number}, column {column.name}: one value only "
                        f"(found {len(values)})",
                    )
                )
            for text in values:
                try:
                    value: Node
                    if column.kind == "text":
                        value = Literal(text, lang=column.language)
                    elif column.kind == "literal":
                        value = _literal(column, text)
                    elif column.kind == "iri":
                        value = _iri(text, column, template)
                    else:
                        value = _any(text, hints if column.path == RDF.object else ())
                except ValueError as error:
                    problems.append(
                        (row.number, f"{where}: row {row.number}, column {column.name}: {error}")
                    )
                    continue
                graph.add((subject, column.path, value))
    return graph, subjects, [text for _, text in sorted(problems, key=_row_order)]


# -- writing --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    replacements = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(replacements.get(c, c) for c in text)


def _term(node: Node, namespaces: Mapping[str, str]) -> str:
    if isinstance(node, URIRef):
        return _curie(node, namespaces)
    if isinstance(node, Literal):
        if node.language:
            return f'"{_escape(str(node))}"@{node.language}'
        if node.datatype == XSD.integer and _INTEGER.match(str(node)):
            return str(node)
        if node.datatype is None or node.datatype == XSD.string:
            return f'"{_escape(str(node))}"'
        return f'"{_escape(str(node))}"^^{_curie(node.datatype, namespaces)}'
    raise CurationError(f"cannot write {node!r} in a curated file")


def to_turtle(graph: Graph, subjects: Iterable[URIRef], template: Template, source: str) -> str:
    """Write the triples of ``subjects`` as Turtle, with their sources on each (no graphs).

    :func:`import_file` writes TriG (:func:`to_trig`); this is the rows' triples alone.
    """
    order = {c.path: n for n, c in enumerate(template.columns) if c.path is not None}
    order[_PROV_SOURCE] = len(order) + 1  # the source last, as in the hand-written files
    blocks = []
    used = {"kg"}
    for subject in subjects:
        types = [template.target_class, *template.implied_types]
        blocks.append(_subject_block(graph, subject, types, order, PREFIXES))
        others = [(p, o) for p, o in graph.predicate_objects(subject) if p != RDF.type]
        for term in (subject, *types, *others):
            nodes = term if isinstance(term, tuple) else (term,)
            for node in nodes:
                iri = node.datatype if isinstance(node, Literal) else node
                if iri is None:
                    continue
                curie = _curie(iri, PREFIXES)
                if not curie.startswith("<"):
                    used.add(curie.split(":", 1)[0])
    prefixes = [f"@prefix {p + ':':<8} <{PREFIXES[p]}> ." for p in sorted(used)]
    header = [
        f"# {template.kind.capitalize()} rows imported from {source} by `accsm-kg import`"
        f" (template: {template.kind}).",
        "# Edit the rows and import them again rather than editing this file.",
    ]
    return "\n".join([*header, "", *prefixes, "", "\n\n".join(blocks), ""])


_ACCSM = "https://w3id.org/accsm-kg/ontology#"
_CONFIDENCE = URIRef(_ACCSM + "confidence")
_STATED = URIRef(CONCEPT_BASE + "confidence-stated")
_PROJECT = URIRef(ID_BASE + "accsm-kg-project")
_DISPUTED = URIRef(CONCEPT_BASE + "confidence-disputed")
_CLAIM = URIRef(_ACCSM + "Claim")
_ASSERTION_GRAPH = URIRef(_ACCSM + "AssertionGraph")


def curated_graph_base(stem: str) -> str:
    """Return the IRI under which the graphs of one curated file are named.

    >>> curated_graph_base("meetings")
    'https://w3id.org/accsm-kg/graph/curated/meetings/'
    """
    return f"{GRAPH_BASE}curated/{slugify(stem)}/"


def _graph_of(base: str, sources: Sequence[Node], confidence: Node) -> URIRef:
    """Return the graph of a row's facts: its sources' names, and the level when not stated.

    A row citing no source (a source document, a concept) goes into the file's catalogue.
    """
    if not sources:
        return URIRef(base + "catalogue")
    names = [str(s).removeprefix(ID_BASE).removeprefix("src-") for s in sources]
    level = str(confidence).removeprefix(CONCEPT_BASE + "confidence-")
    suffix = "" if confidence == _STATED else f"--{level}"
    return URIRef(base + "--".join(slugify(n) for n in names) + suffix)


def to_trig(
    graph: Graph, subjects: Iterable[URIRef], template: Template, source: str, stem: str
) -> tuple[str, set[tuple[Node, Node, Node, Node]]]:
    """Write rows as TriG: each row's facts in the graph of the sources that state them.

    A row's ``source`` and ``confidence`` cells are not written on the row's subject: they
    describe the graph its facts are in (``prov:wasDerivedFrom``, ``accsm:confidence``), in a
    graph ``catalogue`` of the file's own, attributed to the project. A claim keeps its one
    source (the graph of its source is then ``disputed``); rows that describe assertion graphs,
    or cite no source, go into the catalogue as they are. Return the text and the quads it holds.
    """
    base = curated_graph_base(stem)
    prefixes = {**PREFIXES, "curated": base}
    catalogue = URIRef(base + "catalogue")
    is_claim = template.target_class == _CLAIM
    as_is = template.target_class == _ASSERTION_GRAPH
    rows: dict[URIRef, Graph] = {}
    order: dict[URIRef, list[URIRef]] = {}
    described: dict[URIRef, tuple[list[Node], Node]] = {}
    for subject in subjects:
        sources = [] if as_is else sorted(graph.objects(subject, _PROV_SOURCE), key=str)
        confidence = _DISPUTED if is_claim else graph.value(subject, _CONFIDENCE) or _STATED
        target = _graph_of(base, sources, confidence)
        if sources:
            described[target] = (list(sources), confidence)
        kept = rows.setdefault(target, Graph())
        order.setdefault(target, []).append(subject)
        for s, p, o in graph.triples((subject, None, None)):
            if as_is or is_claim or p not in (_PROV_SOURCE, _CONFIDENCE):
                kept.add((s, p, o))
    listing = rows.setdefault(catalogue, Graph())
    heads = [catalogue, *described]
    listing.add((catalogue, RDF.type, _ASSERTION_GRAPH))
    listing.add((catalogue, _ATTRIBUTED, _PROJECT))
    for target, (sources, confidence) in described.items():
        listing.add((target, RDF.type, _ASSERTION_GRAPH))
        for found in sources:
            listing.add((target, _PROV_SOURCE, found))
        listing.add((target, _CONFIDENCE, confidence))
    order[catalogue] = [*heads, *order.get(catalogue, [])]
    quads: set[tuple[Node, Node, Node, Node]] = {
        (s, p, o, name) for name, kept in rows.items() for s, p, o in kept
    }
    names = [catalogue, *sorted(set(rows) - {catalogue}, key=str)]
    blocks = [_graph_block(name, rows[name], order[name], template, prefixes) for name in names]
    used = {p for p in prefixes if any(f"{p}:" in block for block in blocks)}
    header = [
        f"# {template.kind.capitalize()} rows imported from {source} by `accsm-kg import`"
        f" (template: {template.kind}).",
        "# Each row's facts are in the graph of the sources its source column names; the",
        "# provenance of each graph is in curated:catalogue.",
        "# Edit the rows and import them again rather than editing this file.",
    ]
    lines = [f"@prefix {p + ':':<8} <{prefixes[p]}> ." for p in sorted(used)]
    return "\n".join([*header, "", *lines, "", "\n\n".join(blocks), ""]), quads


def _graph_block(
    name: URIRef,
    graph: Graph,
    subjects: Iterable[Node],
    template: Template | None,
    prefixes: Mapping[str, str],
) -> str:
    """Write one ``name { ... }`` block of TriG: each subject's triples, types first."""
    order = {c.path: n for n, c in enumerate(template.columns)} if template is not None else {}
    blocks = [
        _subject_block(
            graph, subject, sorted(graph.objects(subject, RDF.type), key=str), order, prefixes,
            indent="    ",
        )
        for subject in subjects
    ]  # fmt: skip
    return f"{_term(name, prefixes)} {{\n" + "\n\n".join(blocks) + "\n}"


def _subject_block(
    graph: Graph,
    subject: Node,
    types: Sequence[Node],
    order: Mapping[Any, int],
    prefixes: Mapping[str, str],
    indent: str = "",
) -> str:
    """Write one subject's triples as Turtle, ``types`` first.

    Then each predicate in ``order`` (a template's columns; others after, by IRI), its objects
    sorted.
    """
    lines = [f"{indent}{_term(subject, prefixes)}"]
    if types:
        lines[0] += " a " + " , ".join(_term(t, prefixes) for t in types) + " ;"
    predicates = sorted(
        {p for p in graph.predicates(subject) if isinstance(p, URIRef) and p != RDF.type},
        key=lambda p: (order.get(p, len(order)), str(p)),
    )
    for predicate in predicates:
        objects = sorted(graph.objects(subject, predicate), key=lambda o: (o.n3(), str(o)))
        rendered = " , ".join(_term(o, prefixes) for o in objects)
        lines.append(f"{indent}    {_term(predicate, prefixes)} {rendered} ;")
    lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines)


# -- import ---------------------------------------------------------------------------------------


def _kind_from_name(path: Path, known: Mapping[str, Template]) -> str | None:
    stem = path.stem.lower()
    for candidate in (stem, stem.removesuffix("s"), stem.rsplit("-", 1)[-1].removesuffix("s")):
        if candidate in known:
            return candidate
    return "person" if stem.endswith("people") else None


def import_file(
    path: str | Path,
    *,
    kind: str | None = None,
    output: str | Path | None = None,
    data: Sequence[str | Path] = (),
) -> ImportResult:
    """Import a curator's CSV or YAML rows as TriG, after validating them with the rest.

    :param path: the rows: a ``.csv`` file with a header line of column names, or a ``.yaml``
        file (a list of rows, or a mapping with ``kind`` and ``rows``). Repeat a value in a CSV
        cell with ``;`` between values.
    :param kind: the template (``meeting``, ``person``...); by default the YAML ``kind`` (which
        must agree with ``kind`` when both are given), or the file's name (``meetings.csv`` is of
        ``meeting``).
    :param output: the TriG file to write; by default ``data/curated/<name of path>.trig``. An
        earlier version of that file is left out of the validation, and replaced atomically.
    :param data: more data files or folders that the rows may refer to. The output file is
        left out of them, so that importing into a folder given here can be done again.
    :raises CurationError: a cell, a row or the validation failed; nothing is written then, and
        the message lists every problem with its row and column.
    """
    source = Path(path)
    declared, rows = read_rows(source)
    known = templates()
    if kind is not None and declared is not None and kind != declared:
        raise CurationError(
            f"{source}: the file says kind: {declared}, but the kind given is {kind}; "
            "drop one, or make them agree"
        )
    chosen = kind or declared or _kind_from_name(source, known)
    if chosen is None:
        raise CurationError(
            f"{source}: which template? Give --kind, or name the file after one "
            f"({', '.join(sorted(known))})"
        )
    if chosen not in known:
        raise CurationError(
            f"no template {chosen!r}; the templates are: {', '.join(sorted(known))}"
        )
    chosen_template = known[chosen]
    if not rows:
        raise CurationError(f"{source}: no rows to import")
    target = (
        Path(output) if output is not None else Path("data") / "curated" / f"{source.stem}.trig"
    )
    if target.suffix.lower() != ".trig" and not target.is_dir():
        raise CurationError(
            f"{target}: write the rows to a .trig file: their facts go into named graphs, one "
            "for the sources of each row"
        )

    graph, subjects, problems = rows_to_graph(rows, chosen_template, where=str(source))
    if problems:
        raise CurationError.listing(source, problems)
    # Validate with everything else: the bundled data and the files given, less an earlier
    # import into the same file (which these rows replace), wherever it is found.
    target_resolved = target.resolve()
    others = [p for p in bundled_paths() if p.resolve() != target_resolved]
    given = [p for p in expand_paths(data) if p.resolve() != target_resolved]
    written, quads = to_trig(graph, subjects, chosen_template, source.name, target.stem)
    text = written.encode("utf-8")
    with load(*others, *given, include_bundled=False) as kg:
        problems = _check(kg, graph, subjects, chosen_template, source, text, quads)
    if problems:
        raise CurationError.listing(source, problems)
    changed = not (target.is_file() and target.read_bytes() == text)
    if changed:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, text)
        except AccsmKgError:
            raise
        except OSError as error:
            where = error.filename or target
            raise CurationError(f"{where}: cannot be written: {error.strerror or error}") from None
    return ImportResult(target, chosen, tuple(subjects), len(quads), changed)


def _check(
    kg: KnowledgeGraph,
    graph: Graph,
    subjects: Mapping[URIRef, int],
    chosen_template: Template,
    source: Path,
    text: bytes,
    quads: set[tuple[Node, Node, Node, Node]],
) -> list[str]:
    """Check rows against the rest of the data, then validate their TriG with it."""
    found: list[tuple[int, str]] = []
    existing = kg.union()
    for subject, number in subjects.items():
        if (subject, None, None) in existing:
            found.append(
                (
                    number,
                    f"{source}: row {number}, column id: {_curie(subject, PREFIXES)} already "
                    "exists in the data; give the row another id",
                )
            )
    # A reference is known when the data (with the ontology) describes it, or when it is a
    # term of a vocabulary we use (a claim's property may be schema:foundingDate). Other IRIs
    # (a web page's address) name things outside the data, and are taken as given.
    known_nodes = set(existing.subjects()) | set(subjects)
    columns: dict[Node, Column] = {c.path: c for c in chosen_template.columns if c.path is not None}
    for s, p, o in graph:
        if p == RDF.type or not isinstance(o, URIRef) or o in known_nodes:
            continue
        assert isinstance(s, URIRef)
        column = columns[p]
        if column.kind == "iri" and not column.allowed and _unknown_term(o):
            found.append(
                (
                    subjects[s],
                    f"{source}: row {subjects[s]}, column {column.name}: {_curie(o, PREFIXES)} "
                    "is not in the data nor a term of the vocabularies (import it first, or give "
                    "--data the file that has it)",
                )
            )
    if found:
        return [text for _, text in sorted(found, key=_row_order)]

    with tempfile.TemporaryDirectory(prefix="accsm-kg-import-") as folder:
        # Validate the TriG as it will be written, read back as any data file is: the same
        # checks as `accsm-kg validate` (the shapes, the attribution of every statement, and
        # Khmer dates against their days).
        written = Path(folder) / f"{source.stem}.trig"
        written.write_bytes(text)
        try:
            read = {(*t, part.graph) for part in parse_dataset(written) for t in part.triples}
        except LoadError as error:
            raise CurationError(
                f"{source}: the TriG written does not read back ({error})"
            ) from None
        if read != quads:
            raise CurationError(f"{source}: the TriG written does not read back as the rows")
        kg.add(written)
        report = kg.validate()
    columns_of: dict[Node, str] = {
        c.path: c.name for c in chosen_template.columns if c.path is not None
    }
    for violation in report.violations:
        if violation.severity != "Violation":
            continue
        focus = violation.focus_node
        name = columns_of.get(violation.path, "-") if violation.path is not None else "-"
        if isinstance(focus, URIRef) and focus in subjects:
            number, where = subjects[focus], f"row {subjects[focus]}, column {name}"
        else:
            # a node of the other data that these rows break: after the rows' own problems
            number = max(subjects.values(), default=0) + 1
            where = f"{_curie(focus, PREFIXES)} (with these rows)"
        found.append((number, f"{source}: {where}: {violation.message}"))
    return [text for _, text in sorted(found, key=_row_order)]
