"""Curation without Turtle: templates read from the SHACL shapes, and rows made into Turtle.

A curator writes rows (one per meeting, person, delegation...) in a CSV or YAML file whose columns
are those of a *template*. Every node shape with a target class is a template, named after the
shape (``shape:MeetingShape`` gives ``meeting``), and every property shape of it a column, named
after its ``sh:name`` (``"start date"`` gives ``start_date``): the columns, whether they are
required or repeatable, their datatypes and their allowed values all come from the shapes, so a new
shape gives a new template without new code.

:func:`import_file` reads the rows, checks each cell, builds the triples, validates them together
with the rest of the data as ``accsm-kg validate`` does (the SHACL shapes, Khmer dates against
their days), and only then writes Turtle in the style of the hand-written files. Every error
names the file, the row and the column.

IRIs are minted by one stable rule: ``kg:`` + the kebab-case slug of the row's ``id`` cell, or of
its English ``label`` when ``id`` is empty (accents dropped, letters and digits kept, anything else
a hyphen): ``"ACCSM Focal Points Meeting 2020"`` gives ``kg:accsm-focal-points-meeting-2020``. So
importing the same rows again gives the same file, and the file is then left untouched.

>>> meeting = template("meeting")
>>> [c.name for c in meeting.columns][:6]
['id', 'label', 'label_km', 'framework', 'source', 'start_date']
>>> slugify("Chhy Vichara"), mint_iri("Senior Officials Meeting 2020")
('chhy-vichara', rdflib.term.URIRef('https://w3id.org/accsm-kg/id/senior-officials-meeting-2020'))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS, SH, SKOS, XSD
from rdflib.term import Node

from .errors import AccsmKgError, BindingError, CurationError, EmptyFileError, EncodingError
from .knowledge_graph import PREFIXES, KnowledgeGraph, load
from .loading import decode, parse_file
from .publish import atomic_write
from .queries import expand_iri
from .resources import ID_BASE, bundled_paths, ontology_paths, shapes_paths

__all__ = [
    "Column",
    "ColumnKind",
    "CurationRow",
    "ImportResult",
    "Template",
    "import_file",
    "mint_iri",
    "read_rows",
    "rows_to_graph",
    "slugify",
    "template",
    "templates",
    "to_turtle",
]

ColumnKind = TypingLiteral["id", "text", "literal", "iri", "any"]

_PROV_SOURCE = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
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
        return "an IRI (kg:...) or a value"


@dataclass(frozen=True)
class Template:
    """The columns a curator fills in for one class, read from its node shape."""

    kind: str
    shape: URIRef
    target_class: URIRef
    columns: tuple[Column, ...]
    labels: Mapping[URIRef, tuple[str, ...]] = field(default_factory=dict, repr=False)

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
        'id,label,label_km,name,name_km,source,holds,honorific'
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


def _sorted(columns: list[Column]) -> list[Column]:
    """Sort columns: the label, required ones, optional ones, each by name.

    A column in another language comes right after its first-language column.
    """
    first = {c.path: c for c in columns if not c.name.endswith(f"_{c.language}")}

    def key(column: Column) -> tuple[int, str, int]:
        base = first.get(column.path, column)
        rank = 0 if base.name == "label" else (1 if base.required else 2)
        return (rank, base.name, 0 if base is column else 1)

    return sorted(columns, key=key)


def _template(shapes: Graph, vocabularies: Graph, shape: URIRef) -> Template | None:
    target = shapes.value(shape, SH.targetClass)
    if not isinstance(target, URIRef):
        return None
    by_path: dict[URIRef, list[Node]] = {}
    for prop in shapes.objects(shape, SH.property):
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
    return Template(kind.lower(), shape, target, (own, *columns), labels)


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
    ['agenda-item', 'chairmanship', 'claim', 'concept']
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


def _cell_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [v for item in value for v in _cell_values(item)]
    if isinstance(value, dt.datetime | dt.date):
        return [value.isoformat()]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    text = str(value).strip()
    return [text] if text else []


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


def read_rows(path: Path) -> tuple[str | None, list[CurationRow]]:
    """Read a CSV or YAML file of rows, UTF-8 encoded (a byte-order mark is allowed).

    Return the template kind the file names (YAML ``kind:``), if any, and the rows, numbered as a
    curator sees them (a CSV's line, a YAML list's item).

    :raises CurationError: no such file, not UTF-8 (with the line), or not rows.
    """
    if not path.is_file():
        raise CurationError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
        rows = []
        for record in reader:
            if None in record:
                raise CurationError(f"{path}: row {reader.line_num}: more cells than columns")
            cells = {
                k.strip(): [v.strip() for v in (value or "").split(_SEPARATOR) if v.strip()]
                for k, value in record.items()
            }
            rows.append(CurationRow(reader.line_num, cells))
        return None, rows
    if suffix in (".yaml", ".yml"):
        import yaml

        try:
            document = yaml.safe_load(_read_text(path))
        except yaml.YAMLError as error:
            raise CurationError(f"{path}: not valid YAML ({error})") from None
        kind = None
        if isinstance(document, dict):
            kind = document.get("kind")
            document = document.get("rows")
        if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
            raise CurationError(
                f"{path}: a YAML template is a list of rows (mappings of column to value), "
                "or a mapping with 'kind' and 'rows'"
            )
        rows = [
            CurationRow(n, {str(k): _cell_values(v) for k, v in record.items()})
            for n, record in enumerate(document, start=1)
        ]
        return (str(kind) if kind is not None else None), rows
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
            if _INTEGER.match(text):
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
    try:
        return expand_iri(text, PREFIXES)
    except BindingError:
        raise ValueError(
            f"{text!r} is not an IRI (kg:..., a known prefix, or <https://...>)"
        ) from None


def _any(text: str) -> Node:
    typed = _TYPED.match(text)
    if typed:
        if typed["language"]:
            return Literal(typed["lexical"], lang=typed["language"])
        return Literal(typed["lexical"], datatype=expand_iri(typed["datatype"], PREFIXES))
    prefix, colon, _ = text.partition(":")
    if (colon and prefix in PREFIXES) or (text.startswith("<") and text.endswith(">")):
        return expand_iri(text, PREFIXES)
    if _INTEGER.match(text):
        return Literal(int(text))
    return Literal(text)


def rows_to_graph(
    rows: Sequence[CurationRow], template: Template, *, where: str = "rows"
) -> tuple[Graph, dict[URIRef, int], list[str]]:
    """Turn rows into triples by ``template``.

    Return the graph, the row of each subject, and the problems found, each naming the row and
    column.
    """
    graph = Graph()
    subjects: dict[URIRef, int] = {}
    problems: list[str] = []
    names = {c.name for c in template.columns}
    unknown = sorted({name for row in rows for name in row.cells} - names)
    for name in unknown:
        problems.append(
            f"{where}: column {name}: not a column of the {template.kind} template "
            f"(its columns: {template.header()})"
        )
    for row in rows:
        own = row.cells.get("id") or row.cells.get("label") or []
        if not own:
            problems.append(f"{where}: row {row.number}, column label: required (or give an id)")
            continue
        try:
            subject = mint_iri(own[0])
        except CurationError as error:
            problems.append(f"{where}: row {row.number}, column id: {error}")
            continue
        if subject in subjects:
            problems.append(
                f"{where}: row {row.number}, column id: {_curie(subject, PREFIXES)} is also "
                f"the name of row {subjects[subject]}; give one of them another id"
            )
            continue
        subjects[subject] = row.number
        graph.add((subject, RDF.type, template.target_class))
        for column in template.columns:
            values = row.cells.get(column.name, [])
            if column.required and not values:
                problems.append(f"{where}: row {row.number}, column {column.name}: required")
            if not values or column.kind == "id" or column.path is None:
                continue
            if len(values) > 1 and not column.repeatable:
                problems.append(
                    f"{where}: row {row.number}, column {column.name}: one value only "
                    f"(found {len(values)})"
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
                        value = _any(text)
                except ValueError as error:
                    problems.append(f"{where}: row {row.number}, column {column.name}: {error}")
                    continue
                graph.add((subject, column.path, value))
    return graph, subjects, problems


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
    """Write the triples of ``subjects`` as Turtle, in the style of the hand-written files."""
    order = {c.path: n for n, c in enumerate(template.columns) if c.path is not None}
    order[_PROV_SOURCE] = len(order) + 1  # the source last, as in the hand-written files
    blocks = []
    used = {"kg"}
    for subject in subjects:
        lines = [f"{_term(subject, PREFIXES)} a {_term(template.target_class, PREFIXES)} ;"]
        predicates = sorted(
            {p for p in graph.predicates(subject) if isinstance(p, URIRef) and p != RDF.type},
            key=lambda p: (order.get(p, len(order)), str(p)),
        )
        for predicate in predicates:
            objects = sorted(graph.objects(subject, predicate), key=lambda o: (o.n3(), str(o)))
            rendered = " , ".join(_term(o, PREFIXES) for o in objects)
            lines.append(f"    {_term(predicate, PREFIXES)} {rendered} ;")
        lines[-1] = lines[-1][:-2] + " ."
        blocks.append("\n".join(lines))
        others = [(p, o) for p, o in graph.predicate_objects(subject) if p != RDF.type]
        for term in (subject, template.target_class, *others):
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
    """Import a curator's CSV or YAML rows as Turtle, after validating them with the rest.

    :param path: the rows: a ``.csv`` file with a header line of column names, or a ``.yaml``
        file (a list of rows, or a mapping with ``kind`` and ``rows``). Repeat a value in a CSV
        cell with ``;`` between values.
    :param kind: the template (``meeting``, ``person``...); by default the YAML ``kind``, or the
        file's name (``meetings.csv`` is of ``meeting``).
    :param output: the Turtle file to write; by default ``data/curated/<name of path>.ttl``. An
        earlier version of that file is left out of the validation, and replaced atomically.
    :param data: more Turtle files or folders that the rows may refer to.
    :raises CurationError: a cell, a row or the validation failed; nothing is written then, and
        the message lists every problem with its row and column.
    """
    source = Path(path)
    declared, rows = read_rows(source)
    known = templates()
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
    target = Path(output) if output is not None else Path("data") / "curated" / f"{source.stem}.ttl"

    graph, subjects, problems = rows_to_graph(rows, chosen_template, where=str(source))
    if problems:
        raise CurationError.listing(source, problems)
    # Validate with everything else: the bundled data (less an earlier import into the same
    # file) and the files given.
    target_resolved = target.resolve()
    others = [p for p in bundled_paths() if p.resolve() != target_resolved]
    text = to_turtle(graph, subjects, chosen_template, source.name).encode("utf-8")
    with load(*others, *data, include_bundled=False) as kg:
        problems = _check(kg, graph, subjects, chosen_template, source, text)
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
    return ImportResult(target, chosen, tuple(subjects), len(graph), changed)


def _check(
    kg: KnowledgeGraph,
    graph: Graph,
    subjects: Mapping[URIRef, int],
    chosen_template: Template,
    source: Path,
    text: bytes,
) -> list[str]:
    """Check rows against the rest of the data, then validate their Turtle with it."""
    problems: list[str] = []
    existing = kg.union()
    for subject, number in subjects.items():
        if (subject, None, None) in existing:
            problems.append(
                f"{source}: row {number}, column id: {_curie(subject, PREFIXES)} already exists "
                "in the data; give the row another id"
            )
    known_nodes = set(existing.subjects()) | set(subjects)
    for s, p, o in graph:
        if p == RDF.type or not isinstance(o, URIRef) or o in known_nodes:
            continue
        assert isinstance(s, URIRef)
        column = next(c for c in chosen_template.columns if c.path == p)
        if column.kind == "iri" and not column.allowed:
            problems.append(
                f"{source}: row {subjects[s]}, column {column.name}: {_curie(o, PREFIXES)} is "
                "not in the data (import it first, or give --data the file that has it)"
            )
    if problems:
        return problems

    with tempfile.TemporaryDirectory(prefix="accsm-kg-import-") as folder:
        # Validate the Turtle as it will be written, read back as any data file is: the same
        # checks as `accsm-kg validate` (the shapes, and Khmer dates against their days).
        written = Path(folder) / f"{source.stem}.ttl"
        written.write_bytes(text)
        if set(parse_file(written).triples) != set(graph):
            raise CurationError(f"{source}: the Turtle written does not read back as the rows")
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
            where = f"row {subjects[focus]}, column {name}"
        else:
            where = f"{_curie(focus, PREFIXES)} (with these rows)"
        problems.append(f"{source}: {where}: {violation.message}")
    return problems
