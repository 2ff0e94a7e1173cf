"""Synthetic ACCSM-shaped Turtle: seeded, deterministic, streamed to disk, with known faults.

:func:`generate` writes a made-up region in the shape of the bundled data: an association of
nations with its secretariat, member states, Plus Three partners and an observer, each with
civil-service agencies and a newspaper; cooperation frameworks in pairs (one and its Plus
Three), with decades of Focal Points, Senior Officials and Heads of Civil Service meetings,
workshops and forums, delegations and their heads, chairmanships (some disputed, kept as
claims), agendas, work plans and the initiatives proposed for them, policy documents, studies,
resource centres, and the source documents every fact cites with ``prov:wasDerivedFrom``.
People have English and Khmer names built from a list of Khmer syllables. Every individual is
``kg:synth-…``; the concepts (meeting levels, modes, priority areas...) are the bundled ones, so
the file conforms to the shapes when loaded with the bundled ontology and data.

The same ``triples`` and ``seed`` always give the same bytes. Frameworks and years grow with
``triples``; workshops fill the rest, so the count comes out within a few tenths of a percent.
``faults`` injects that many known violations, each on a node of its own, and the result
lists them (focus node, kind, path, constraint component, line), so a validator can be held to
finding exactly those.

>>> import tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "synth.ttl"
>>> made = generate(target, triples=8_000, seed=7, faults=2)
>>> abs(made.triples - 8_000) < 100
True
>>> [fault.kind for fault in made.faults]
['out-of-range', 'wrong-class']
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, TextIO, get_args
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import URIRef

from .errors import OptionError
from .khmer import lunar_date, to_khmer_digits
from .progress import progress as bar
from .publish import atomic_stream
from .resources import bundled_paths

__all__ = [
    "DEFAULT_FAULT_KINDS",
    "MIN_TRIPLES",
    "Fault",
    "FaultKind",
    "Synthesis",
    "generate",
    "parse_count",
]

#: The kinds of fault :func:`generate` can inject. Each gives one validation result:
#:
#: - ``missing-required``: a meeting without its ``accsm:framework`` (``sh:minCount``);
#: - ``missing-khmer-label``: a meeting with no Khmer label (``sh:qualifiedMinCount`` on
#:   ``rdfs:label``);
#: - ``max-count``: a meeting with two modes (``sh:maxCount``);
#: - ``wrong-datatype``: an outcome without a language tag (``sh:datatype``);
#: - ``out-of-range``: a delegation of 0 people (``sh:minInclusive``);
#: - ``wrong-class``: a meeting organised by a country, not an organisation (``sh:class``);
#: - ``not-in-list``: a meeting whose event status is a meeting mode (``sh:in``);
#: - ``duplicate-language``: a meeting with two Khmer labels (``sh:uniqueLang``);
#: - ``end-before-start``: a meeting that ends the day before it starts (``sh:lessThanOrEquals``);
#: - ``chair-without-chairmanship``: a meeting chaired by an agency that held no chairmanship
#:   then (the SHACL-SPARQL constraint of ``shape:MeetingChairShape``);
#: - ``ill-typed-literal``: a meeting ending on 30 February (``sh:datatype``); ``accsm_kg.load``
#:   refuses such a file (:class:`~accsm_kg.InvalidLiteralError`, naming the line), so this kind
#:   is only injected when asked for by name.
FaultKind = TypingLiteral[
    "missing-required",
    "missing-khmer-label",
    "max-count",
    "wrong-datatype",
    "out-of-range",
    "wrong-class",
    "not-in-list",
    "duplicate-language",
    "end-before-start",
    "chair-without-chairmanship",
    "ill-typed-literal",
]

#: The kinds injected when none are named: every kind a validator sees after loading.
DEFAULT_FAULT_KINDS: tuple[FaultKind, ...] = tuple(
    kind for kind in get_args(FaultKind) if kind != "ill-typed-literal"
)

#: The smallest size asked for that still has every kind of thing in it.
MIN_TRIPLES = 6_000

_KG = "https://w3id.org/accsm-kg/id/"
_ACCSM = "https://w3id.org/accsm-kg/ontology#"
_SH = "http://www.w3.org/ns/shacl#"
_PREFIXES = {
    "accsm": _ACCSM,
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "kg": _KG,
    "concept": "https://w3id.org/accsm-kg/concept/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_URL = "https://example.org/accsm-kg-synth/"

# The last year whose meetings have taken place; later ones are only scheduled.
_LAST_HELD = 2025
_LAST_YEAR = 2030


@dataclass(frozen=True)
class Fault:
    """One injected fault: the node that breaks a shape, how, and where in the file.

    :param focus_node: the node a validator should report.
    :param kind: what was done to it (see :data:`FaultKind`).
    :param path: the property the result names, or ``None`` for a SPARQL constraint.
    :param constraint: the SHACL constraint component the result names.
    :param line: the line of the file where the focus node's description starts.
    """

    focus_node: URIRef
    kind: FaultKind
    path: URIRef | None
    constraint: URIRef
    line: int

    def __str__(self) -> str:
        path = _short(self.path) if self.path is not None else "-"
        return (
            f"{_short(self.focus_node)}\t{self.kind}\t{path}\t{_short(self.constraint)}"
            f"\tline {self.line}"
        )


@dataclass(frozen=True)
class Synthesis:
    """What :func:`generate` wrote: the file, its triples, the seed and the injected faults."""

    path: Path
    triples: int
    seed: int
    faults: tuple[Fault, ...] = field(default=())

    def __str__(self) -> str:
        faults = f", {len(self.faults)} fault(s)" if self.faults else ""
        return f"wrote {self.triples:,} triples to {self.path} (seed {self.seed}{faults})"


def _short(iri: URIRef) -> str:
    for prefix, namespace in (*_PREFIXES.items(), ("sh", _SH)):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def parse_count(text: str) -> int:
    """Read a number of triples written as ``100000``, ``100_000``, ``100k`` or ``1M``.

    >>> parse_count("100k"), parse_count("1M"), parse_count("2_500")
    (100000, 1000000, 2500)

    :raises OptionError: the text is no such number.
    """
    cleaned = text.strip().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(cleaned[-1:].lower(), 1)
    number = cleaned[:-1] if factor != 1 else cleaned
    try:
        value = float(number) * factor
    except ValueError:
        raise OptionError(
            f"{text!r} is not a number of triples (such as 100000, 100k or 1M)"
        ) from None
    if not value.is_integer():
        raise OptionError(f"{text!r} is not a whole number of triples")
    return int(value)


def generate(
    path: str | Path,
    *,
    triples: int,
    seed: int = 0,
    faults: int = 0,
    fault_kinds: Sequence[FaultKind] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Synthesis:
    """Write about ``triples`` triples of synthetic ACCSM-shaped Turtle to ``path``.

    The Turtle is streamed to a temporary file beside ``path`` and renamed over it once
    complete, so memory stays small at any size and a failed run leaves no half file.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> one = generate(folder / "a.ttl", triples=6_000, seed=1)
    >>> two = generate(folder / "b.ttl", triples=6_000, seed=1)
    >>> (folder / "a.ttl").read_bytes() == (folder / "b.ttl").read_bytes()
    True
    >>> print(one)  # doctest: +ELLIPSIS
    wrote ... triples to .../a.ttl (seed 1)

    :param path: the Turtle file to write; its folder must exist.
    :param triples: how many triples to write, at least :data:`MIN_TRIPLES`.
    :param seed: the seed; the same size and seed give the same bytes.
    :param faults: how many known violations to inject, each on a meeting of its own.
    :param fault_kinds: the kinds to inject, in turn (by default :data:`DEFAULT_FAULT_KINDS`,
        in an order drawn from the seed).
    :param progress: called now and then with the number of triples written so far; by
        default a bar on standard error shows it (:mod:`accsm_kg.progress`).
    :raises OptionError: a size, seed or number of faults that cannot be used.
    :raises DumpError: the file cannot be written.
    """
    if isinstance(triples, bool) or not isinstance(triples, int) or triples < MIN_TRIPLES:
        raise OptionError(
            f"triples must be a whole number of at least {MIN_TRIPLES:,} (enough for every kind "
            f"of thing), not {triples!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise OptionError(f"seed must be a whole number, 0 or more, not {seed!r}")
    if isinstance(faults, bool) or not isinstance(faults, int) or faults < 0:
        raise OptionError(f"faults must be a whole number, 0 or more, not {faults!r}")
    kinds = tuple(fault_kinds) if fault_kinds is not None else None
    if kinds is not None:
        unknown = [k for k in kinds if k not in get_args(FaultKind)]
        if unknown or not kinds:
            known = ", ".join(get_args(FaultKind))
            raise OptionError(f"unknown fault kind(s) {unknown!r}; the kinds are: {known}")
    target = Path(path)
    sizes = _Sizes.for_size(triples, seed)
    if faults > len(sizes.fault_candidates()):
        raise OptionError(
            f"{faults} faults asked for, but {triples:,} triples hold only "
            f"{len(sizes.fault_candidates())} meetings to put them on"
        )
    made: list[tuple[int, tuple[Fault, ...]]] = []

    def write(out: IO[bytes]) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
        writer = _Turtle(text, progress)
        injected = _Generator(sizes, writer, faults, kinds).run()
        text.flush()
        text.detach()  # the caller syncs and closes the file
        made.append((writer.triples, injected))

    if progress is not None:
        atomic_stream(target, write)
    else:  # no caller's own report: a bar of triples written (see accsm_kg.progress)
        with bar(f"writing {target.name}", total=triples, unit="triples") as shown:

            def progress(done: int) -> None:
                shown.advance_to(min(done, triples))

            atomic_stream(target, write)
            shown.total = made[0][0]  # a few more or fewer than asked are written
            shown.advance_to(made[0][0])
    written, injected = made[0]
    return Synthesis(target, written, seed, injected)


# -- Turtle text ----------------------------------------------------------------------------

_ESCAPES = {
    ord("\\"): "\\\\",
    ord('"'): '\\"',
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\b"): "\\b",
    ord("\f"): "\\f",
}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})


def _text(value: str, lang: str | None = None) -> str:
    quoted = '"' + value.translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def _typed(value: str, datatype: str) -> str:
    return f"{_text(value)}^^{datatype}"


def _date(day: dt.date) -> str:
    return _typed(day.isoformat(), "xsd:date")


def _year(year: int) -> str:
    return _typed(str(year), "xsd:gYear")


_LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
}


@cache
def _bundled_labels() -> frozenset[str]:
    """Return the labels of the bundled ontology and data, written as :func:`_text` writes them."""
    found = set()
    for path in bundled_paths():
        form = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
        for quad in ox.parse(path=str(path), format=form):
            if quad.predicate.value in _LABELS and isinstance(quad.object, ox.Literal):
                found.add(_text(quad.object.value, quad.object.language))
    return frozenset(found)


def _kg(slug: str) -> str:
    return f"kg:{slug}"


def _concept(slug: str) -> str:
    return f"concept:{slug}"


_Objects = str | Sequence[str] | None


class _Turtle:
    """Writes subject blocks, counting triples and lines as it goes."""

    def __init__(self, out: TextIO, progress: Callable[[int], None] | None) -> None:
        self.out = out
        self.progress = progress
        self.triples = 0
        self.line = 1
        # the bundled data's labels are taken: a synthetic thing named alike gets a number
        self._labels: dict[str, int] = dict.fromkeys(_bundled_labels(), 1)
        self._reported = 0
        header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in _PREFIXES.items())
        self._write(
            "# Synthetic ACCSM-shaped data written by `accsm-kg synth`: made up, not facts.\n\n"
            + header
            + "\n"
        )

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.line += text.count("\n")

    def node(self, subject: str, pairs: Iterable[tuple[str, _Objects]]) -> int:
        """Write one subject with its predicates and objects; return the line it starts on.

        A label already given to another subject gets a number, ``"Forum (2)"@en``: no two
        things share a label in one language.
        """
        start = self.line
        parts = []
        for predicate, objects in pairs:
            if objects is None:
                continue
            values = [objects] if isinstance(objects, str) else list(objects)
            if not values:
                continue
            if predicate in ("rdfs:label", "skos:prefLabel"):
                values = [self._unique(value) for value in values]
            parts.append(f"{predicate} {' , '.join(values)}")
            self.triples += len(values)
        self._write(f"{subject} " + " ;\n    ".join(parts) + " .\n\n")
        if self.progress is not None and self.triples - self._reported >= 10_000:
            self._reported = self.triples
            self.progress(self.triples)
        return start

    def _unique(self, label: str) -> str:
        """Return ``label``, numbered if another subject (or the bundled data) has it."""
        times = self._labels[label] = self._labels.get(label, 0) + 1
        if times == 1:
            return label
        text, quote, language = label.rpartition('"')
        number = to_khmer_digits(str(times)) if language == "@km" else str(times)
        return f"{text} ({number}){quote}{language}"

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.triples)


# -- what the region is made of ---------------------------------------------------------------

# Romanised and Khmer syllables; names are built by joining them, as Khmer names often are.
_SYLLABLES = [
    ("so", "សុ"),
    ("phea", "ភា"),
    ("vann", "វណ្ណ"),
    ("da", "ដា"),
    ("ra", "រ៉ា"),
    ("chan", "ចាន់"),
    ("thy", "ធី"),
    ("ny", "នី"),
    ("ka", "កា"),
    ("ma", "ម៉ា"),
    ("li", "លី"),
    ("na", "ណា"),
    ("rith", "រិទ្ធ"),
    ("vi", "វិ"),
    ("chea", "ជា"),
    ("pi", "ពិ"),
    ("sey", "សី"),
    ("bo", "បូ"),
    ("pha", "ផា"),
    ("mony", "មុន្នី"),
    ("tha", "ថា"),
    ("kun", "គុណ"),
    ("sa", "សា"),
    ("reth", "រ៉េត"),
    ("vy", "វី"),
    ("rom", "រម្យ"),
    ("sok", "សុខ"),
    ("lin", "លីន"),
    ("nea", "នា"),
    ("kan", "កាន់"),
    ("dy", "ឌី"),
    ("pov", "ពៅ"),
    ("sam", "សំ"),
    ("ol", "អុល"),
]
_FAMILY_NAMES = [
    ("Chhy", "ឈី"),
    ("Sok", "សុខ"),
    ("Chea", "ជា"),
    ("Heng", "ហេង"),
    ("Keo", "កែវ"),
    ("Lim", "លឹម"),
    ("Meas", "មាស"),
    ("Ouk", "អ៊ុក"),
    ("Pen", "ប៉ែន"),
    ("Sam", "សំ"),
    ("Tep", "ទេព"),
    ("Yim", "យឹម"),
    ("Kim", "គីម"),
    ("Ly", "លី"),
    ("Prak", "ប្រាក់"),
    ("Seng", "សេង"),
    ("Touch", "ទូច"),
    ("Mao", "ម៉ៅ"),
    ("Khiev", "ខៀវ"),
    ("Nhem", "ញ៉ែម"),
    ("Chum", "ជុំ"),
    ("Hang", "ហង្ស"),
    ("Long", "ឡុង"),
    ("Ros", "រស់"),
]
# Fields of cooperation: the field, in Khmer, and the agency in charge of it in each country.
_TOPICS = [
    (
        "Civil Service Matters",
        "កិច្ចការមុខងារសាធារណៈ",
        "CSM",
        "Ministry of Civil Service",
        "ក្រសួងមុខងារសាធារណៈ",
        "MCS",
    ),
    (
        "Public Sector Innovation",
        "នវានុវត្តន៍វិស័យសាធារណៈ",
        "PSI",
        "Office of Public Sector Innovation",
        "ការិយាល័យនវានុវត្តន៍វិស័យសាធារណៈ",
        "OPSI",
    ),
    ("Local Governance", "អភិបាលកិច្ចមូលដ្ឋាន", "LG", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "MOI"),
    (
        "Digital Government",
        "រដ្ឋាភិបាលឌីជីថល",
        "DG",
        "Ministry of Posts and Telecommunications",
        "ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍",
        "MPTC",
    ),
    (
        "Public Finance",
        "ហិរញ្ញវត្ថុសាធារណៈ",
        "PF",
        "Ministry of Economy and Finance",
        "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ",
        "MEF",
    ),
    (
        "Anti-Corruption",
        "ការប្រឆាំងអំពើពុករលួយ",
        "AC",
        "Anti-Corruption Unit",
        "អង្គភាពប្រឆាំងអំពើពុករលួយ",
        "ACU",
    ),
    (
        "Official Statistics",
        "ស្ថិតិផ្លូវការ",
        "OS",
        "National Institute of Statistics",
        "វិទ្យាស្ថានជាតិស្ថិតិ",
        "NIS",
    ),
    (
        "Disaster Management",
        "ការគ្រប់គ្រងគ្រោះមហន្តរាយ",
        "DM",
        "National Committee for Disaster Management",
        "គណៈកម្មាធិការជាតិគ្រប់គ្រងគ្រោះមហន្តរាយ",
        "NCDM",
    ),
    (
        "Human Resource Development",
        "ការអភិវឌ្ឍធនធានមនុស្ស",
        "HRD",
        "Ministry of Labour and Vocational Training",
        "ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ",
        "MLVT",
    ),
    (
        "Administrative Reform",
        "កំណែទម្រង់រដ្ឋបាល",
        "AR",
        "Council for Administrative Reform",
        "ក្រុមប្រឹក្សាកំណែទម្រង់រដ្ឋបាល",
        "CAR",
    ),
]
_THEMES = [
    ("Public Service Delivery", "ការផ្តល់សេវាសាធារណៈ"),
    ("Digital Transformation", "ការផ្លាស់ប្តូរឌីជីថល"),
    ("Transformative Leadership", "ភាពជាអ្នកដឹកនាំផ្លាស់ប្តូរ"),
    ("Human Resource Management", "ការគ្រប់គ្រងធនធានមនុស្ស"),
    ("Good Governance", "អភិបាលកិច្ចល្អ"),
    ("Performance Management", "ការគ្រប់គ្រងលទ្ធផលការងារ"),
    ("Civil Service Competencies", "សមត្ថភាពមន្ត្រីរាជការ"),
    ("Citizen Engagement", "ការចូលរួមរបស់ពលរដ្ឋ"),
    ("Open Government Data", "ទិន្នន័យបើកចំហរបស់រដ្ឋាភិបាល"),
    ("Gender Equality in the Civil Service", "សមភាពយេនឌ័រក្នុងមុខងារសាធារណៈ"),
    ("Ethics and Integrity", "ក្រមសីលធម៌ និងសុចរិតភាព"),
    ("Crisis Management", "ការគ្រប់គ្រងវិបត្តិ"),
    ("Knowledge Management", "ការគ្រប់គ្រងចំណេះដឹង"),
    ("E-Government", "រដ្ឋាភិបាលអេឡិចត្រូនិក"),
    ("Pay and Pension Reform", "កំណែទម្រង់ប្រាក់បៀវត្ស និងសោធននិវត្តន៍"),
]
_EVENTS = [
    ("Workshop", "សិក្ខាសាលា", "workshop"),
    ("Training Programme", "កម្មវិធីបណ្តុះបណ្តាល", "training"),
    ("Working Group Meeting", "កិច្ចប្រជុំក្រុមការងារ", "working-group"),
    ("Forum", "វេទិកា", "forum"),
    ("Study Visit", "ទស្សនកិច្ចសិក្សា", "study-visit"),
]
_OUTCOMES = [
    ("The meeting reviewed the progress of the work plan.", "កិច្ចប្រជុំបានពិនិត្យវឌ្ឍនភាពនៃផែនការការងារ។"),
    (
        "The Member States agreed to share good practices on {theme}.",
        "ប្រទេសសមាជិកបានឯកភាពចែករំលែកការអនុវត្តល្អៗលើ{theme}។",
    ),
    (
        "The participants welcomed the report of the Secretariat.",
        "អ្នកចូលរួមបានស្វាគមន៍របាយការណ៍របស់លេខាធិការដ្ឋាន។",
    ),
    (
        "The meeting closed in a warm atmosphere of solidarity.",
        "កិច្ចប្រជុំបានបញ្ចប់ក្នុងបរិយាកាសស្និទ្ធស្នាល និងសាមគ្គីភាព។",
    ),
]
_DOCUMENT_TYPES = [
    ("document-declaration", "Declaration on", "Declaration"),
    ("document-statement", "Statement on", "Statement"),
    ("document-guidelines", "Guidelines on", "Guidelines"),
    ("document-terms-of-reference", "Terms of Reference of", "Terms of Reference"),
    ("document-mission-statement", "Mission Statement of", "Mission Statement"),
]
_PRIORITIES = [
    "priority-workforce-competencies",
    "priority-institutional-capacities",
    "priority-transformative-leadership",
    "priority-resource-centres",
    "priority-reform-and-modernisation",
]
_PLUS_THREE_THEMES = [
    "theme-e-governance",
    "theme-human-resources",
    "theme-productivity",
    "theme-good-governance",
    "theme-public-sector-reform",
    "theme-local-administration",
    "theme-research-and-innovation",
]


@dataclass(frozen=True)
class _Level:
    key: str
    concept: str
    meeting_en: str
    meeting_km: str
    role: str
    post_en: str
    post_km: str


_LEVELS = (
    _Level(
        "focal-points",
        "level-focal-points",
        "Focal Points Meeting",
        "កិច្ចប្រជុំមន្ត្រីបង្គោល",
        "synth-role-focal-point",
        "Director of International Cooperation",
        "ប្រធាននាយកដ្ឋានសហប្រតិបត្តិការអន្តរជាតិ",
    ),
    _Level(
        "som",
        "level-senior-officials",
        "Senior Officials Meeting",
        "កិច្ចប្រជុំមន្ត្រីជាន់ខ្ពស់",
        "synth-role-senior-official",
        "Secretary of State",
        "រដ្ឋលេខាធិការ",
    ),
    _Level(
        "hcs",
        "level-heads-of-civil-service",
        "Heads of Civil Service Meeting",
        "កិច្ចប្រជុំប្រធានមុខងារសាធារណៈ",
        "synth-role-head-of-civil-service",
        "Minister",
        "រដ្ឋមន្ត្រី",
    ),
)
_FOCAL, _SOM, _HCS = _LEVELS


_Status = TypingLiteral["member", "partner", "observer"]


@dataclass(frozen=True)
class _Country:
    slug: str
    en: str
    km: str
    iso: str
    capital_en: str
    capital_km: str
    status: _Status


@dataclass(frozen=True)
class _Framework:
    slug: str
    abbr: str
    en: str
    km: str
    plus_three: bool


@dataclass(frozen=True)
class _Pair:
    index: int
    topic_en: str
    topic_km: str
    agency_en: str
    agency_km: str
    agency_abbr: str
    base: _Framework
    plus_three: _Framework


@dataclass(frozen=True)
class _Cycle:
    framework: _Framework
    ordinal: int
    start: int
    end: int
    country: _Country
    disputed: bool


@dataclass(frozen=True)
class _Sizes:
    """The sizes of a synthetic region, fixed by the number of triples and the seed."""

    triples: int
    seed: int
    pairs: int
    first_year: int
    last_year: int

    @classmethod
    def for_size(cls, triples: int, seed: int) -> _Sizes:
        # A pair of frameworks costs about 1,260 triples a year (its main meetings, chairmanships,
        # plans and sources); they take half the size, workshops and forums the rest.
        pairs = max(1, round(triples / 150_000))
        years = int((triples * 0.5 - 1_600 - 600 * pairs) / (1_260 * pairs))
        years = max(4, min(_LAST_YEAR - 1981 + 1, years))
        last = _LAST_YEAR if years > 10 else _LAST_HELD
        return cls(triples, seed, pairs, last - years + 1, last)

    def held_years(self) -> range:
        return range(self.first_year, min(self.last_year, _LAST_HELD) + 1)

    def fault_candidates(self) -> list[tuple[int, int, str, bool]]:
        """List the meetings that may take a fault: (pair, year, level key, plus three)."""
        return [
            (pair, year, level.key, plus_three)
            for year in self.held_years()
            for pair in range(self.pairs)
            for level in _LEVELS
            for plus_three in (False, True)
        ]


_Item = tuple[str, str, str | Sequence[str] | None]  # English, Khmer, what it concerns


@dataclass(frozen=True)
class _Occasion:
    """A pair's meetings of one year: who hosts and organises them, and how they are held."""

    pair: _Pair
    year: int
    host: _Country
    organiser: str
    mode: str


@dataclass
class _Meeting:
    """A meeting of one framework, before the fault chosen for it (if any) is put in."""

    iri: str
    framework: _Framework
    level: _Level
    day: dt.date
    items: list[str]
    sources: list[str]
    outcomes: list[str] = field(default_factory=list)
    chair: str | None = None
    khmer: str | None = None


# The result each fault on a meeting gives: its path and constraint component.
_FAULT_RESULTS: dict[str, tuple[str | None, str]] = {
    "missing-required": ("accsm:framework", "sh:MinCountConstraintComponent"),
    "missing-khmer-label": ("rdfs:label", "sh:QualifiedMinCountConstraintComponent"),
    "max-count": ("accsm:mode", "sh:MaxCountConstraintComponent"),
    "wrong-datatype": ("accsm:outcome", "sh:DatatypeConstraintComponent"),
    "wrong-class": ("schema:organizer", "sh:ClassConstraintComponent"),
    "not-in-list": ("schema:eventStatus", "sh:InConstraintComponent"),
    "duplicate-language": ("rdfs:label", "sh:UniqueLangConstraintComponent"),
    "end-before-start": ("schema:startDate", "sh:LessThanOrEqualsConstraintComponent"),
    "chair-without-chairmanship": (None, "sh:SPARQLConstraintComponent"),
    "ill-typed-literal": ("schema:endDate", "sh:DatatypeConstraintComponent"),
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _km_year(year: int) -> str:
    return to_khmer_digits(year)


class _Generator:
    """Writes the region, in an order that needs no more memory than its lists of names."""

    def __init__(
        self,
        sizes: _Sizes,
        writer: _Turtle,
        faults: int,
        kinds: tuple[FaultKind, ...] | None,
    ) -> None:
        self.sizes = sizes
        self.out = writer
        self.rng = random.Random(sizes.seed)
        self.people: dict[tuple[int, int, str, int], str] = {}
        self.injected: list[Fault] = []
        self.faults = self._choose_faults(faults, kinds)
        self._names: set[str] = set()
        self._core_cost = 0.0
        self._event_cost = 0.0
        self._events = 0

    # -- faults ----------------------------------------------------------------------------

    def _choose_faults(
        self, count: int, kinds: tuple[FaultKind, ...] | None
    ) -> dict[tuple[int, int, str, bool], FaultKind]:
        # A random source of its own, so that the data around the faults stays as without them.
        rng = random.Random(f"faults:{self.sizes.seed}")
        order = list(kinds) if kinds is not None else list(DEFAULT_FAULT_KINDS)
        if kinds is None:
            rng.shuffle(order)
        chosen = rng.sample(self.sizes.fault_candidates(), count)
        return {meeting: order[i % len(order)] for i, meeting in enumerate(chosen)}

    def _record(
        self, focus: str, kind: FaultKind, path: str | None, constraint: str, line: int
    ) -> None:
        def full(name: str) -> URIRef:
            prefix, _, local = name.partition(":")
            return URIRef({**_PREFIXES, "sh": _SH}[prefix] + local)

        self.injected.append(
            Fault(full(focus), kind, full(path) if path else None, full(constraint), line)
        )

    # -- the whole file --------------------------------------------------------------------

    def run(self) -> tuple[Fault, ...]:
        self._region()
        self._frameworks()
        self._chairmanships()
        self._work_plans()
        for year in range(min(self.sizes.last_year, _LAST_HELD) + 1, self.sizes.last_year + 1):
            for pair in self.pairs:
                self._scheduled(pair, year)
        slots = [(year, pair) for year in self.sizes.held_years() for pair in self.pairs]
        for done, (year, pair) in enumerate(slots):
            before = self.out.triples
            self._held_year(pair, year)
            spent = self.out.triples - before
            self._core_cost += (spent - self._core_cost) / (done + 1)
            left = len(slots) - done - 1
            budget = (self.sizes.triples - self.out.triples - left * self._core_cost) / (left + 1)
            spent = 0
            while spent + (self._event_cost or 150) / 2 < budget:
                before = self.out.triples
                self._event(pair, year)
                spent += self.out.triples - before
                self._events += 1
                self._event_cost += (self.out.triples - before - self._event_cost) / self._events
        self.out.done()
        return tuple(sorted(self.injected, key=lambda f: f.line))

    # -- names -----------------------------------------------------------------------------

    def _word(self, low: int, high: int) -> tuple[str, str]:
        parts = [self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(low, high))]
        return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts)

    def _unique_word(self, low: int, high: int) -> tuple[str, str]:
        while True:
            en, km = self._word(low, high)
            if en not in self._names:
                self._names.add(en)
                return en, km

    # -- the association, the countries and their agencies --------------------------------

    def _region(self) -> None:
        out = self.out
        out.node(
            "kg:synth-src-charter",
            [
                ("a", ["accsm:SourceDocument", "schema:WebPage"]),
                ("rdfs:label", _text("Charter of the Regional Association of Nations", "en")),
                ("dcterms:title", _text("Charter of the Regional Association of Nations", "en")),
                ("schema:url", f"<{_URL}charter>"),
                ("dcterms:publisher", "kg:synth-secretariat"),
                ("dcterms:language", _text("en")),
            ],
        )
        out.node(
            "kg:synth-association",
            [
                ("a", "accsm:IntergovernmentalOrganisation"),
                (
                    "rdfs:label",
                    [
                        _text("Regional Association of Nations", "en"),
                        _text("សមាគមប្រជាជាតិក្នុងតំបន់", "km"),
                    ],
                ),
                ("skos:altLabel", _text("RAN", "en")),
                ("prov:wasDerivedFrom", "kg:synth-src-charter"),
            ],
        )
        out.node(
            "kg:synth-secretariat",
            [
                ("a", "accsm:Secretariat"),
                (
                    "rdfs:label",
                    [
                        _text("Secretariat of the Regional Association of Nations", "en"),
                        _text("លេខាធិការដ្ឋាននៃសមាគមប្រជាជាតិក្នុងតំបន់", "km"),
                    ],
                ),
                ("org:subOrganizationOf", "kg:synth-association"),
                ("prov:wasDerivedFrom", "kg:synth-src-charter"),
            ],
        )
        out.node(
            "kg:synth-community-vision-2040",
            [
                ("a", "accsm:Vision"),
                (
                    "rdfs:label",
                    [
                        _text("Regional Community Vision 2040", "en"),
                        _text("ចក្ខុវិស័យសហគមន៍តំបន់ ២០៤០", "km"),
                    ],
                ),
                ("prov:wasDerivedFrom", "kg:synth-src-charter"),
            ],
        )
        for slug, en, km in (
            ("synth-role-focal-point", "Focal point", "មន្ត្រីបង្គោល"),
            ("synth-role-senior-official", "Senior official", "មន្ត្រីជាន់ខ្ពស់"),
            ("synth-role-head-of-civil-service", "Head of civil service", "ប្រធានមុខងារសាធារណៈ"),
            ("synth-role-observer", "Observer", "អ្នកសង្កេតការណ៍"),
        ):
            out.node(
                _kg(slug),
                [
                    ("a", "org:Role"),
                    ("rdfs:label", [_text(en, "en"), _text(km, "km")]),
                    ("skos:prefLabel", [_text(en, "en"), _text(km, "km")]),
                    ("skos:inScheme", "concept:roles"),
                    ("skos:definition", _text(f"The role of a {en.lower()}.", "en")),
                    ("prov:wasDerivedFrom", "kg:synth-src-charter"),
                ],
            )
        codes = [f"X{chr(c)}" for c in range(ord("A"), ord("Z") + 1)]
        self.countries: list[_Country] = []
        for i in range(14):
            status: _Status = "member" if i < 10 else "partner" if i < 13 else "observer"
            en, km = self._unique_word(2, 3)
            capital_en, capital_km = self._unique_word(2, 2)
            self.countries.append(
                _Country(f"synth-{en.lower()}", en, km, codes[i], capital_en, capital_km, status)
            )
        self.members = [c for c in self.countries if c.status == "member"]
        self.partners = [c for c in self.countries if c.status == "partner"]
        self.pairs: list[_Pair] = []
        for i in range(self.sizes.pairs):
            topic_en, topic_km, abbr, agency_en, agency_km, agency_abbr = _TOPICS[i % len(_TOPICS)]
            if i >= len(_TOPICS):
                number = i // len(_TOPICS) + 1
                topic_en, topic_km, abbr = (
                    f"{topic_en} {number}",
                    f"{topic_km} {number}",
                    (f"{abbr}{number}"),
                )
                agency_abbr = f"{agency_abbr}{number}"
                agency_en, agency_km = f"{agency_en} {number}", f"{agency_km} {number}"
            base = _Framework(
                f"synth-rc{abbr.lower()}",
                f"RC{abbr}",
                f"Regional Cooperation on {topic_en}",
                f"កិច្ចសហប្រតិបត្តិការតំបន់ស្តីពី{topic_km}",
                plus_three=False,
            )
            plus = _Framework(
                f"{base.slug}-plus-three",
                f"RC{abbr}+3",
                f"Regional Plus Three Cooperation on {topic_en}",
                f"កិច្ចសហប្រតិបត្តិការតំបន់បូក៣ស្តីពី{topic_km}",
                plus_three=True,
            )
            self.pairs.append(
                _Pair(i, topic_en, topic_km, agency_en, agency_km, agency_abbr, base, plus)
            )
        for country in self.countries:
            memberships = ["kg:synth-association"] if country.status == "member" else []
            for pair in self.pairs:
                if country.status == "member":
                    memberships.append(_kg(pair.base.slug))
                if country.status in ("member", "partner"):
                    memberships.append(_kg(pair.plus_three.slug))
            out.node(
                _kg(country.slug),
                [
                    ("a", "accsm:Country"),
                    ("rdfs:label", [_text(country.en, "en"), _text(country.km, "km")]),
                    ("accsm:isoCode", _text(country.iso)),
                    ("org:memberOf", memberships),
                    ("prov:wasDerivedFrom", "kg:synth-src-charter"),
                ],
            )
            out.node(
                self._daily(country),
                [
                    ("a", "org:FormalOrganization"),
                    (
                        "rdfs:label",
                        [_text(f"{country.en} Daily", "en"), _text(f"កាសែត{country.km}", "km")],
                    ),
                    ("prov:wasDerivedFrom", "kg:synth-src-charter"),
                ],
            )
            out.node(
                self._school(country),
                [
                    ("a", "accsm:GovernmentAgency"),
                    (
                        "rdfs:label",
                        [
                            _text("National School of Public Administration", "en"),
                            _text("សាលាជាតិរដ្ឋបាលសាធារណៈ", "km"),
                        ],
                    ),
                    ("skos:altLabel", _text("NSPA", "en")),
                    ("accsm:agencyOf", _kg(country.slug)),
                    ("prov:wasDerivedFrom", "kg:synth-src-charter"),
                ],
            )
            for pair in self.pairs:
                out.node(
                    self._agency(pair, country),
                    [
                        ("a", "accsm:GovernmentAgency"),
                        ("rdfs:label", [_text(pair.agency_en, "en"), _text(pair.agency_km, "km")]),
                        ("skos:altLabel", _text(pair.agency_abbr, "en")),
                        ("accsm:agencyOf", _kg(country.slug)),
                        ("prov:wasDerivedFrom", "kg:synth-src-charter"),
                    ],
                )

    @staticmethod
    def _agency(pair: _Pair, country: _Country) -> str:
        return _kg(f"synth-{pair.agency_abbr.lower()}-{country.slug.removeprefix('synth-')}")

    @staticmethod
    def _school(country: _Country) -> str:
        return _kg(f"synth-nspa-{country.slug.removeprefix('synth-')}")

    @staticmethod
    def _daily(country: _Country) -> str:
        return _kg(f"{country.slug}-daily")

    # -- frameworks, their sources, studies and resource centres ---------------------------

    def _frameworks(self) -> None:
        out, first = self.out, self.sizes.first_year
        self.studies: dict[tuple[int, int], tuple[str, str, str]] = {}
        for pair in self.pairs:
            for framework in (pair.base, pair.plus_three):
                countries = self.members + (self.partners if framework.plus_three else [])
                members_page = _kg(f"synth-src-{framework.slug.removeprefix('synth-')}-members")
                out.node(
                    members_page,
                    [
                        ("a", ["accsm:SourceDocument", "schema:WebPage"]),
                        (
                            "rdfs:label",
                            _text(f"Secretariat web page: members of {framework.abbr}", "en"),
                        ),
                        ("dcterms:title", _text(f"{framework.en}: members", "en")),
                        ("schema:url", f"<{_URL}{framework.slug}/members>"),
                        ("dcterms:publisher", "kg:synth-secretariat"),
                        ("dcterms:language", _text("en")),
                    ],
                )
                out.node(
                    _kg(framework.slug),
                    [
                        ("a", "accsm:CooperationFramework"),
                        ("rdfs:label", [_text(framework.en, "en"), _text(framework.km, "km")]),
                        ("skos:altLabel", _text(framework.abbr, "en")),
                        ("org:subOrganizationOf", "kg:synth-association"),
                        (
                            "accsm:plusThreeOf",
                            _kg(pair.base.slug) if framework.plus_three else None,
                        ),
                        ("accsm:tier", [_concept(level.concept) for level in _LEVELS]),
                        ("schema:foundingDate", None if framework.plus_three else _year(first)),
                        ("accsm:contributesTo", "kg:synth-community-vision-2040"),
                        ("prov:wasDerivedFrom", ["kg:synth-src-charter", members_page]),
                    ],
                )
                observers = (
                    []
                    if framework.plus_three
                    else [c for c in self.countries if c.status == "observer"]
                )
                for country in countries + observers:
                    agency = self._agency(pair, country)
                    observer = country.status == "observer"
                    role = "kg:synth-role-observer" if observer else "kg:synth-role-focal-point"
                    out.node(
                        f"{agency}-in-{framework.slug.removeprefix('synth-')}",
                        [
                            ("a", "org:Membership"),
                            (
                                "rdfs:label",
                                _text(
                                    f"{pair.agency_en} of {country.en} in {framework.abbr}", "en"
                                ),
                            ),
                            ("org:member", agency),
                            ("org:organization", _kg(framework.slug)),
                            ("org:role", role if observer or self.rng.random() < 0.6 else None),
                            ("prov:wasDerivedFrom", members_page),
                        ],
                    )
                for year in range(first, self.sizes.last_year + 1):
                    title = f"{framework.abbr} in {year}"
                    out.node(
                        self._overview(framework, year),
                        [
                            ("a", ["accsm:SourceDocument", "schema:WebPage"]),
                            ("rdfs:label", _text(f"Secretariat web page: {title}", "en")),
                            ("dcterms:title", _text(title, "en")),
                            ("schema:url", f"<{_URL}{framework.slug}/{year}>"),
                            ("dcterms:publisher", "kg:synth-secretariat"),
                            ("dcterms:language", _text("en")),
                        ],
                    )
            for country in self.members:
                theme_en, _ = self.rng.choice(_THEMES)
                out.node(
                    _kg(
                        f"synth-arc-{pair.base.abbr.lower()}-{country.slug.removeprefix('synth-')}"
                    ),
                    [
                        ("a", "accsm:ResourceCentre"),
                        (
                            "rdfs:label",
                            [
                                _text(f"{pair.base.abbr} Resource Centre of {country.en}", "en"),
                                _text(f"មជ្ឈមណ្ឌលធនធាន {pair.base.abbr} នៃ{country.km}", "km"),
                            ],
                        ),
                        ("accsm:hostCountry", _kg(country.slug)),
                        ("org:subOrganizationOf", _kg(pair.base.slug)),
                        ("accsm:theme", _text(theme_en, "en")),
                        (
                            "prov:wasDerivedFrom",
                            _kg(f"synth-src-{pair.base.slug.removeprefix('synth-')}-members"),
                        ),
                    ],
                )
            for year in range(first + 3, min(self.sizes.last_year, _LAST_HELD) + 1, 10):
                theme_en, theme_km = self.rng.choice(_THEMES)
                slug = f"synth-study-{pair.base.abbr.lower()}-{year}"
                title = f"Study on {theme_en} in the Region"
                self.studies[(pair.index, year)] = (_kg(slug), title, f"ការសិក្សាស្តីពី{theme_km}")
                out.node(
                    _kg(slug),
                    [
                        ("a", "accsm:Study"),
                        ("rdfs:label", [_text(title, "en"), _text(f"ការសិក្សាស្តីពី{theme_km}", "km")]),
                        ("dcterms:title", _text(title, "en")),
                        ("dcterms:publisher", "kg:synth-secretariat"),
                        ("dcterms:issued", _year(year)),
                        ("prov:wasDerivedFrom", self._overview(pair.base, year)),
                    ],
                )

    @staticmethod
    def _overview(framework: _Framework, year: int) -> str:
        return _kg(f"synth-src-{framework.slug.removeprefix('synth-')}-{year}")

    # -- chairmanships, with disputed years kept as claims ---------------------------------

    def _chairmanships(self) -> None:
        first, last = self.sizes.first_year, self.sizes.last_year
        self.cycles: dict[tuple[int, int], _Cycle] = {}
        for pair in self.pairs:
            offset = self.rng.randrange(len(self.members))
            base_ordinal = self.rng.randint(1, 12)
            for framework in (pair.base, pair.plus_three):
                for number, start in enumerate(range(first, last + 1, 2)):
                    country = self.members[(offset + number) % len(self.members)]
                    # one cycle in six, the second among them, so that small files have one
                    disputed = not framework.plus_three and number % 6 == 1
                    ordinal = number + (1 if framework.plus_three else base_ordinal)
                    cycle = _Cycle(framework, ordinal, start, start + 1, country, disputed)
                    if not framework.plus_three:
                        self.cycles[(pair.index, start)] = cycle
                        self.cycles[(pair.index, start + 1)] = cycle
                    self._chairmanship(pair, cycle)
                    if disputed:
                        self._claims(cycle)

    def _chairmanship(self, pair: _Pair, cycle: _Cycle) -> None:
        theme = self.rng.choice(_THEMES)[0] if self.rng.random() < 0.6 else None
        sources = [self._overview(cycle.framework, cycle.start)]
        if cycle.start + 1 <= self.sizes.last_year:
            sources.append(self._overview(cycle.framework, cycle.start + 1))
        abbr = cycle.framework.abbr
        self.out.node(
            self._chairmanship_iri(cycle),
            [
                ("a", "accsm:Chairmanship"),
                (
                    "rdfs:label",
                    [
                        _text(f"Chairmanship of the {_ordinal(cycle.ordinal)} {abbr}", "en"),
                        _text(f"ភាពជាប្រធាន {abbr} លើកទី{to_khmer_digits(cycle.ordinal)}", "km"),
                    ],
                ),
                ("accsm:ordinal", str(cycle.ordinal)),
                ("accsm:chairmanshipOf", _kg(cycle.framework.slug)),
                ("accsm:chair", self._agency(pair, cycle.country)),
                ("accsm:chairCountry", _kg(cycle.country.slug)),
                ("accsm:startYear", None if cycle.disputed else _year(cycle.start)),
                ("accsm:endYear", None if cycle.disputed else _year(cycle.end)),
                ("accsm:theme", _text(theme, "en") if theme else None),
                (
                    "skos:note",
                    _text("The sources disagree on the years; see the claims.", "en")
                    if cycle.disputed
                    else None,
                ),
                ("prov:wasDerivedFrom", sources),
            ],
        )

    @staticmethod
    def _chairmanship_iri(cycle: _Cycle) -> str:
        return _kg(
            f"synth-chairmanship-{cycle.framework.slug.removeprefix('synth-')}-{cycle.ordinal}"
        )

    def _claims(self, cycle: _Cycle) -> None:
        later = min(cycle.start + 1, self.sizes.last_year)
        earlier = max(cycle.start - 1, self.sizes.first_year)
        # Two sources, each with its own version of each year.
        versions = [(self._overview(cycle.framework, cycle.start), cycle.start, cycle.end)]
        if later != cycle.start:
            versions.append(
                (self._overview(cycle.framework, later), cycle.start + 1, cycle.end + 1)
            )
        else:
            versions.append(
                (self._overview(cycle.framework, earlier), cycle.start - 1, cycle.end - 1)
            )
        subject = self._chairmanship_iri(cycle)
        for source, start, end in versions:
            said_by = source.removeprefix("kg:synth-src-")
            for prop, value in (("startYear", start), ("endYear", end)):
                self.out.node(
                    f"{subject}-{prop.lower()}-{value}-{said_by}",
                    [
                        ("a", "accsm:Claim"),
                        (
                            "rdfs:label",
                            _text(
                                f"The {_ordinal(cycle.ordinal)} {cycle.framework.abbr} "
                                f"chairmanship's {prop} was {value}, says {said_by}",
                                "en",
                            ),
                        ),
                        ("rdf:subject", subject),
                        ("rdf:predicate", f"accsm:{prop}"),
                        ("rdf:object", _year(value)),
                        ("prov:wasDerivedFrom", source),
                    ],
                )

    # -- work plans and initiatives --------------------------------------------------------

    def _work_plans(self) -> None:
        out, first, last = self.out, self.sizes.first_year, self.sizes.last_year
        self.plan_labels: dict[tuple[str, int], tuple[str, str]] = {}
        starts = list(range(first - (first - 1) % 5, last + 1, 5))
        for pair in self.pairs:
            for framework in (pair.base, pair.plus_three):
                concepts = _PLUS_THREE_THEMES if framework.plus_three else _PRIORITIES
                for n, start in enumerate(starts):
                    end = start + 4
                    label = f"{framework.abbr} Work Plan {start}-{end}"
                    label_km = f"ផែនការការងារ {framework.abbr} {_km_year(start)}-{_km_year(end)}"
                    self.plan_labels[(framework.slug, start)] = (label, label_km)
                    adopted = start - 1
                    held = first <= adopted <= min(last, _LAST_HELD)
                    adopted_at = self._meeting_iri(framework, _HCS, adopted) if held else None
                    areas = sorted(self.rng.sample(concepts, self.rng.randint(3, len(concepts))))
                    out.node(
                        self._plan_iri(framework, start),
                        [
                            ("a", "accsm:WorkPlan"),
                            ("rdfs:label", [_text(label, "en"), _text(label_km, "km")]),
                            ("accsm:workPlanOf", _kg(framework.slug)),
                            ("accsm:startYear", _year(start)),
                            ("accsm:endYear", _year(end)),
                            (
                                "accsm:succeeds",
                                self._plan_iri(framework, starts[n - 1]) if n else None,
                            ),
                            ("accsm:priorityArea", [_concept(c) for c in areas]),
                            ("accsm:projectCount", str(self.rng.randint(10, 60)) if held else None),
                            (
                                "dcterms:dateAccepted",
                                _date(self._dates(pair, adopted)[2]) if held else None,
                            ),
                            ("accsm:adoptedAt", adopted_at),
                            (
                                "dcterms:description",
                                _text(
                                    f"The projects and activities of {framework.abbr} "
                                    f"for {start} to {end}.",
                                    "en",
                                ),
                            ),
                            (
                                "prov:wasDerivedFrom",
                                self._overview(framework, max(first, min(adopted, last))),
                            ),
                        ],
                    )
            self._initiatives(pair, starts)

    @staticmethod
    def _plan_iri(framework: _Framework, start: int) -> str:
        return _kg(f"synth-{framework.slug.removeprefix('synth-')}-work-plan-{start}-{start + 4}")

    def _initiatives(self, pair: _Pair, starts: list[int]) -> None:
        first, last = self.sizes.first_year, self.sizes.last_year
        kinds = [
            "Regional Guideline on",
            "Forum on",
            "Centre for Research on",
            "Exchange Programme on",
            "Toolkit on",
            "Network on",
        ]
        for n, start in enumerate(starts):
            for country in self.members:
                for ordinal in range(1, self.rng.randint(0, 3) + 1):
                    theme, theme_km = self.rng.choice(_THEMES)
                    name = f"{self.rng.choice(kinds)} {theme}"
                    slug = (
                        f"synth-initiative-{pair.base.abbr.lower()}-{start}-"
                        f"{country.slug.removeprefix('synth-')}-{ordinal}"
                    )
                    plans = [self._plan_iri(pair.base, start)]
                    if self.rng.random() < 0.4:
                        plans.append(self._plan_iri(pair.plus_three, start))
                    goes_on = n + 1 < len(starts) and self.rng.random() < 0.25
                    self.out.node(
                        _kg(slug),
                        [
                            ("a", "accsm:Initiative"),
                            ("rdfs:label", [_text(name, "en"), _text(f"គម្រោង{theme_km}", "km")]),
                            ("accsm:ordinal", str(ordinal)),
                            ("accsm:proposedBy", _kg(country.slug)),
                            ("accsm:proposedFor", plans),
                            (
                                "accsm:continuedIn",
                                self._plan_iri(pair.base, starts[n + 1]) if goes_on else None,
                            ),
                            (
                                "prov:wasDerivedFrom",
                                self._overview(pair.base, max(first, min(start - 1, last))),
                            ),
                        ],
                    )

    # -- meetings --------------------------------------------------------------------------

    def _dates(self, pair: _Pair, year: int) -> tuple[dt.date, dt.date, dt.date]:
        """Return the days of a year's Focal Points, Senior Officials and Heads meetings."""
        # Drawn from the pair and year alone, so work plans can name them before they are written.
        rng = random.Random(f"{self.sizes.seed}:{pair.index}:{year}")
        focal = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(60, 250))
        senior = focal + dt.timedelta(days=rng.randrange(30, 100))
        return focal, senior, senior + dt.timedelta(days=1)

    @staticmethod
    def _meeting_iri(framework: _Framework, level: _Level, year: int) -> str:
        name = {"focal-points": "focal-points-meeting", "som": "som", "hcs": "hcs"}[level.key]
        return _kg(f"{framework.slug}-{name}-{year}")

    def _mode(self, year: int) -> str:
        if year in (2020, 2021):
            return "concept:mode-online"
        return (
            "concept:mode-hybrid"
            if year >= 2022 and self.rng.random() < 0.3
            else "concept:mode-in-person"
        )

    def _scheduled(self, pair: _Pair, year: int) -> None:
        cycle_country = self.cycles[(pair.index, year)].country
        for framework in (pair.base, pair.plus_three):
            for level, day in zip(_LEVELS, self._dates(pair, year), strict=True):
                self.out.node(
                    self._meeting_iri(framework, level, year),
                    [
                        ("a", "accsm:Meeting"),
                        (
                            "rdfs:label",
                            [
                                _text(f"{framework.abbr} {level.meeting_en} {year}", "en"),
                                _text(
                                    f"{level.meeting_km} {framework.abbr} ឆ្នាំ{_km_year(year)}", "km"
                                ),
                            ],
                        ),
                        ("accsm:framework", _kg(framework.slug)),
                        ("accsm:meetingLevel", _concept(level.concept)),
                        ("schema:startDate", _date(day)),
                        ("schema:endDate", _date(day)),
                        ("schema:eventStatus", "schema:EventScheduled"),
                        ("schema:organizer", self._agency(pair, cycle_country)),
                        ("prov:wasDerivedFrom", self._overview(framework, year)),
                    ],
                )

    def _person(self, country: _Country, pair: _Pair, level: _Level, year: int, source: str) -> str:
        """Return the person who heads the country's delegations at a level in a year.

        A new person is written where first met, citing that meeting's source.
        """
        term = (year - self.sizes.first_year) // 4
        key = (self.countries.index(country), pair.index, level.key, term)
        if key in self.people:
            return self.people[key]
        family_en, family_km = self.rng.choice(_FAMILY_NAMES)
        given_en, given_km = self._word(1, 3)
        name_en, name_km = f"{family_en} {given_en}", f"{family_km} {given_km}"
        number = len(self.people) + 1
        iri = _kg(f"synth-{family_en.lower()}-{given_en.lower()}-{number}")
        self.people[key] = iri
        post = _kg(f"synth-post-{iri.removeprefix('kg:synth-')}")
        self.out.node(
            iri,
            [
                ("a", "foaf:Person"),
                ("rdfs:label", [_text(name_en, "en"), _text(name_km, "km")]),
                ("foaf:name", [_text(name_en, "en"), _text(name_km, "km")]),
                ("accsm:honorific", "concept:lok-chumteav" if self.rng.random() < 0.3 else None),
                ("org:holds", post),
                ("prov:wasDerivedFrom", source),
            ],
        )
        self.out.node(
            post,
            [
                ("a", "org:Post"),
                (
                    "rdfs:label",
                    [
                        _text(f"{level.post_en} of the {pair.agency_en}", "en"),
                        _text(f"{level.post_km} នៃ{pair.agency_km}", "km"),
                    ],
                ),
                ("org:postIn", self._agency(pair, country)),
                ("org:role", _kg(level.role)),
                ("prov:wasDerivedFrom", source),
            ],
        )
        # the holding, for the four years of the term
        begin = self.sizes.first_year + 4 * term
        holding = _kg(f"synth-holding-{iri.removeprefix('kg:synth-')}")
        period, ends = f"{holding}-period", (f"{holding}-begins", f"{holding}-ends")
        self.out.node(
            holding,
            [
                ("a", "accsm:PostHolding"),
                ("rdfs:label", _text(f"{name_en} as {level.post_en}, {begin}-{begin + 3}", "en")),
                ("org:member", iri),
                ("org:organization", self._agency(pair, country)),
                ("org:role", _kg(level.role)),
                ("accsm:post", post),
                ("org:memberDuring", period),
                ("prov:wasDerivedFrom", source),
            ],
        )
        self.out.node(
            period,
            [("a", "time:Interval"), ("time:hasBeginning", ends[0]), ("time:hasEnd", ends[1])],
        )
        for instant, year_of in zip(ends, (begin, begin + 3), strict=True):
            self.out.node(instant, [("a", "time:Instant"), ("time:inXSDgYear", _year(year_of))])
        return iri

    def _held_year(self, pair: _Pair, year: int) -> None:
        """Write the year's Focal Points (held jointly), Senior Officials and Heads meetings."""
        focal_day, senior_day, heads_day = self._dates(pair, year)
        cycle = self.cycles[(pair.index, year)]
        host = cycle.country
        at = _Occasion(pair, year, host, self._agency(pair, host), self._mode(year))
        self._focal_meetings(at, focal_day)
        report = _kg(f"synth-src-{pair.base.slug.removeprefix('synth-')}-som-hcs-{year}")
        title = f"{pair.base.abbr} senior officials and heads meet in {host.capital_en}"
        self.out.node(
            report,
            [
                ("a", ["accsm:SourceDocument", "schema:NewsArticle"]),
                ("rdfs:label", _text(f"{host.en} Daily: {title} ({year})", "en")),
                ("dcterms:title", _text(title, "en")),
                ("dcterms:publisher", self._daily(host)),
                ("dcterms:language", _text("en")),
                ("schema:url", f"<{_URL}news/{report.removeprefix('kg:synth-src-')}>"),
            ],
        )
        for framework in (pair.base, pair.plus_three):
            som = self._meeting_iri(framework, _SOM, year)
            agenda: list[_Item] = [
                ("Adoption of the agenda", "ការអនុម័តរបៀបវារៈ", None),
                (
                    f"Report of the {framework.abbr} {_FOCAL.meeting_en} {year}",
                    f"របាយការណ៍នៃ{_FOCAL.meeting_km} {framework.abbr}",
                    self._meeting_iri(framework, _FOCAL, year),
                ),
                ("Reports of the Resource Centres", "របាយការណ៍របស់មជ្ឈមណ្ឌលធនធាន", None),
                ("Other matters", "បញ្ហាផ្សេងៗ", None),
            ]
            sources = [report, self._overview(framework, year)]
            items = self._agenda(som, agenda, report)
            self._meeting(at, _Meeting(som, framework, _SOM, senior_day, items, sources))
            hcs = self._meeting_iri(framework, _HCS, year)
            agenda = [
                ("Adoption of the agenda", "ការអនុម័តរបៀបវារៈ", None),
                (
                    f"Report of the {framework.abbr} {_SOM.meeting_en} {year}",
                    f"របាយការណ៍នៃ{_SOM.meeting_km} {framework.abbr}",
                    som,
                ),
            ]
            if year % 5 == 0 and (framework.slug, year + 1) in self.plan_labels:
                label, label_km = self.plan_labels[(framework.slug, year + 1)]
                plan = self._plan_iri(framework, year + 1)
                agenda.append((f"Adoption of the {label}", f"ការអនុម័ត{label_km}", plan))
            if year == cycle.end:
                agenda.append(("Handover of the chairmanship", "ការប្រគល់តំណែងប្រធាន", None))
            agenda.append(
                ("Date and venue of the next meeting", "កាលបរិច្ឆេទ និងទីកន្លែងនៃកិច្ចប្រជុំលើកក្រោយ", None)
            )
            items = self._agenda(hcs, agenda, report)
            chair = self._person(host, pair, _HCS, year, report)
            self._meeting(
                at, _Meeting(hcs, framework, _HCS, heads_day, items, sources, chair=chair)
            )
            if not framework.plus_three and (year % 5 == 2 or year == self.sizes.first_year):
                self._policy_document(at, framework, heads_day, hcs, report)

    def _focal_meetings(self, at: _Occasion, day: dt.date) -> None:
        """Write the Focal Points meetings of a pair, held together, with one agenda.

        Members send one delegation to both; the Plus Three partners one to theirs. A member's
        agency reports the meetings in Khmer, as the seed article does.
        """
        pair, year = at.pair, at.year
        base, plus = pair.base, pair.plus_three
        reporter = self.rng.choice(self.members)
        article = _kg(f"synth-src-{base.slug.removeprefix('synth-')}-focal-points-{year}")
        title_en = (
            f"{base.abbr} and {plus.abbr} Focal Points Meetings {year}, hosted by {at.host.en}"
        )
        title_km = f"កិច្ចប្រជុំមន្ត្រីបង្គោល {base.abbr} និង {plus.abbr} ឆ្នាំ{_km_year(year)}"
        self.out.node(
            article,
            [
                ("a", ["accsm:SourceDocument", "schema:NewsArticle"]),
                ("rdfs:label", _text(f"{pair.agency_en} of {reporter.en}: {title_en}", "en")),
                ("dcterms:title", [_text(title_km, "km"), _text(title_en, "en")]),
                ("dcterms:publisher", self._agency(pair, reporter)),
                ("dcterms:language", _text("km")),
                ("dcterms:rights", _text(f"© រក្សាសិទ្ធិគ្រប់យ៉ាងដោយ៖ {pair.agency_km}", "km")),
                ("dcterms:dateCopyrighted", _year(year)),
                (
                    "accsm:dateline",
                    [_text(reporter.capital_km, "km"), _text(reporter.capital_en, "en")],
                ),
            ],
        )
        items = self._focal_agenda(pair, year, article)
        khmer = str(lunar_date(day)) if self.rng.random() < 0.5 else None
        outcomes = self._outcomes(2)
        meetings = [self._meeting_iri(f, _FOCAL, year) for f in (base, plus)]
        first = {meetings[0]: True, meetings[1]: True}
        for country in self.members + self.partners:
            goes_to = meetings if country.status == "member" else meetings[1:]
            # a faulty size goes on the first delegation written for its meeting
            fault = self.faults.get((pair.index, year, _FOCAL.key, goes_to[0] == meetings[1]))
            self._delegation(
                _kg(
                    f"{country.slug}-delegation-{base.slug.removeprefix('synth-')}-focal-points-{year}"
                ),
                f"{base.abbr} and {plus.abbr} Focal Points Meetings {year}",
                country,
                self._agency(pair, country),
                goes_to,
                self._person(country, pair, _FOCAL, year, article),
                article,
                self.rng.randint(2, 12),
                fault == "out-of-range" and first[goes_to[0]],
            )
            first[goes_to[0]] = False
        for framework, meeting in zip((base, plus), meetings, strict=True):
            sources = [article, self._overview(framework, year)]
            spec = _Meeting(meeting, framework, _FOCAL, day, items, sources, outcomes, khmer=khmer)
            self._write_meeting(at, spec)

    def _focal_agenda(self, pair: _Pair, year: int, source: str) -> list[str]:
        base, plus = pair.base, pair.plus_three
        start = year - (year - 1) % 5
        label, label_km = self.plan_labels[(base.slug, start)]
        agenda: list[_Item] = [
            (
                f"Review of the implementation of the {label} and the {plus.abbr} work plan",
                f"ការត្រួតពិនិត្យការអនុវត្ត{label_km}",
                [self._plan_iri(base, start), self._plan_iri(plus, start)],
            ),
            (
                f"Evaluation of the achievements of {year - 1}",
                f"ការវាយតម្លៃសមិទ្ធផលឆ្នាំ{_km_year(year - 1)}",
                None,
            ),
        ]
        if year % 5 == 0 and (base.slug, year + 1) in self.plan_labels:
            upcoming, upcoming_km = self.plan_labels[(base.slug, year + 1)]
            agenda.append(
                (
                    f"Preparation of the {upcoming} and the {plus.abbr} work plan",
                    f"ការរៀបចំ{upcoming_km}",
                    [self._plan_iri(base, year + 1), self._plan_iri(plus, year + 1)],
                )
            )
        agenda.append(
            (
                f"Preparation for the {base.abbr} {_SOM.meeting_en} and {_HCS.meeting_en} {year}",
                f"ការរៀបចំសម្រាប់{_SOM.meeting_km} និង{_HCS.meeting_km}",
                [self._meeting_iri(f, _HCS, year) for f in (base, plus)],
            )
        )
        study = self.studies.get((pair.index, year)) or self.studies.get((pair.index, year - 1))
        if study is not None:
            agenda.append((f"Update on the {study[1]}", f"បច្ចុប្បន្នភាពអំពី{study[2]}", study[0]))
        return self._agenda(self._meeting_iri(base, _FOCAL, year), agenda, source)

    def _agenda(self, meeting: str, agenda: Sequence[_Item], source: str) -> list[str]:
        iris = []
        for ordinal, (en, km, concerns) in enumerate(agenda, start=1):
            iri = f"kg:synth-agenda-{meeting.removeprefix('kg:synth-')}-{ordinal}"
            iris.append(iri)
            self.out.node(
                iri,
                [
                    ("a", "accsm:AgendaItem"),
                    ("accsm:ordinal", str(ordinal)),
                    ("rdfs:label", [_text(en, "en"), _text(km, "km")]),
                    ("accsm:concerns", concerns),
                    ("prov:wasDerivedFrom", source),
                ],
            )
        return iris

    def _outcomes(self, count: int) -> list[str]:
        texts = []
        theme_en, theme_km = self.rng.choice(_THEMES)
        for en, km in self.rng.sample(_OUTCOMES, count):
            texts.append(_text(en.format(theme=theme_en.lower()), "en"))
            texts.append(_text(km.format(theme=theme_km), "km"))
        return texts

    def _delegation(
        self,
        iri: str,
        to_what: str,
        country: _Country,
        sent_by: str,
        meetings: list[str],
        head: str,
        source: str,
        size: int,
        faulty: bool = False,
    ) -> None:
        line = self.out.node(
            iri,
            [
                ("a", "accsm:Delegation"),
                (
                    "rdfs:label",
                    [
                        _text(f"{country.en} delegation to the {to_what}", "en"),
                        _text(f"គណៈប្រតិភូ{country.km}", "km"),
                    ],
                ),
                ("accsm:delegationOf", _kg(country.slug)),
                ("accsm:sentBy", sent_by),
                ("accsm:delegationTo", meetings),
                # the size is drawn even for a faulty delegation, so the rest stays the same
                ("accsm:delegationSize", "0" if faulty else str(size)),
                ("accsm:headOfDelegation", head),
                ("prov:wasDerivedFrom", source),
            ],
        )
        if faulty:
            self._record(
                iri,
                "out-of-range",
                "accsm:delegationSize",
                "sh:MinInclusiveConstraintComponent",
                line,
            )

    def _meeting(self, at: _Occasion, meeting: _Meeting) -> None:
        """Write a meeting of one framework with the delegations of all its countries."""
        framework, level = meeting.framework, meeting.level
        fault = self.faults.get((at.pair.index, at.year, level.key, framework.plus_three))
        for n, country in enumerate(self._countries(framework)):
            self._delegation(
                _kg(f"{country.slug}-delegation-{meeting.iri.removeprefix('kg:synth-')}"),
                f"{framework.abbr} {level.meeting_en} {at.year}",
                country,
                self._agency(at.pair, country),
                [meeting.iri],
                self._person(country, at.pair, level, at.year, meeting.sources[0]),
                meeting.sources[0],
                self.rng.randint(1, 8),
                fault == "out-of-range" and n == 0,
            )
        meeting.outcomes = self._outcomes(self.rng.randint(1, 2))
        self._write_meeting(at, meeting)

    def _countries(self, framework: _Framework) -> list[_Country]:
        return self.members + (self.partners if framework.plus_three else [])

    def _write_meeting(self, at: _Occasion, m: _Meeting) -> None:
        """Write the meeting itself, with the fault chosen for it if any."""
        year, level = at.year, m.level
        labels = [
            _text(f"{m.framework.abbr} {level.meeting_en} {year}", "en"),
            _text(f"{level.meeting_km} {m.framework.abbr} ឆ្នាំ{_km_year(year)}", "km"),
        ]
        framework: str | None = _kg(m.framework.slug)
        modes, end, organiser, status = [at.mode], _date(m.day), at.organiser, None
        outcomes, sources, chair = m.outcomes, m.sources or None, m.chair
        fault = self.faults.get((at.pair.index, year, level.key, m.framework.plus_three))
        if fault == "missing-required":
            framework = None
        elif fault == "missing-khmer-label":
            labels = labels[:1]
        elif fault == "max-count":
            modes.append(
                "concept:mode-hybrid" if at.mode != "concept:mode-hybrid" else "concept:mode-online"
            )
        elif fault == "wrong-datatype":
            outcomes = [*outcomes, _text("The meeting adopted its report.")]
        elif fault == "wrong-class":
            organiser = _kg(at.host.slug)
        elif fault == "not-in-list":
            status = "concept:mode-in-person"
        elif fault == "duplicate-language":
            labels.append(_text(f"{level.meeting_km} ឆ្នាំ{_km_year(year)}", "km"))
        elif fault == "end-before-start":
            end = _date(m.day - dt.timedelta(days=1))
        elif fault == "chair-without-chairmanship":
            chair = self._school(at.host)
        elif fault == "ill-typed-literal":
            end = _typed(f"{year}-02-30", "xsd:date")
        parts = {
            _FOCAL.key: ("concept:morning", "concept:evening"),
            _HCS.key: ("concept:morning", "concept:afternoon"),
        }
        start_part, end_part = parts.get(level.key, (None, None))
        online = at.mode == "concept:mode-online"
        line = self.out.node(
            m.iri,
            [
                ("a", "accsm:Meeting"),
                ("rdfs:label", labels),
                ("accsm:framework", framework),
                ("accsm:meetingLevel", _concept(level.concept)),
                ("accsm:mode", modes),
                ("schema:startDate", _date(m.day)),
                ("schema:endDate", end),
                ("accsm:startPartOfDay", start_part),
                ("accsm:endPartOfDay", end_part),
                ("accsm:khmerDate", _text(m.khmer, "km") if m.khmer else None),
                ("schema:organizer", organiser),
                ("schema:eventStatus", status),
                ("accsm:hostedBy", None if online else _kg(at.host.slug)),
                ("schema:location", None if online else _text(at.host.capital_en, "en")),
                ("accsm:chairedBy", chair),
                (
                    "accsm:participant",
                    [_kg(c.slug) for c in self._countries(m.framework)] + ["kg:synth-secretariat"],
                ),
                ("accsm:agendaItem", m.items),
                ("accsm:outcome", outcomes),
                ("prov:wasDerivedFrom", sources),
            ],
        )
        if fault is not None and fault != "out-of-range":
            path, constraint = _FAULT_RESULTS[fault]
            self._record(m.iri, fault, path, constraint, line)

    def _policy_document(
        self, at: _Occasion, framework: _Framework, day: dt.date, meeting: str, source: str
    ) -> None:
        year, host = at.year, at.host
        slug, title_start, kind = self.rng.choice(_DOCUMENT_TYPES)
        theme = self.rng.choice(_THEMES)[0]
        if slug == "document-terms-of-reference":
            title = f"{title_start} {framework.en}"
        elif slug == "document-mission-statement":
            title = f"{framework.abbr} {title_start.split(' of')[0]} {year}"
        else:
            title = f"{host.capital_en} {title_start} {theme}"
        self.out.node(
            _kg(f"synth-{framework.abbr.lower()}-{kind.lower().replace(' ', '-')}-{year}"),
            [
                ("a", "accsm:PolicyDocument"),
                (
                    "rdfs:label",
                    [
                        _text(title, "en"),
                        _text(f"ឯកសារ {framework.abbr} ឆ្នាំ{_km_year(year)}", "km"),
                    ],
                ),
                ("dcterms:title", _text(title, "en")),
                ("accsm:documentType", _concept(slug)),
                ("accsm:documentOf", _kg(framework.slug)),
                ("dcterms:issued", _date(day)),
                ("accsm:adoptedAt", meeting),
                ("schema:location", _text(host.capital_en, "en")),
                (
                    "accsm:contributesTo",
                    "kg:synth-community-vision-2040" if self.rng.random() < 0.5 else None,
                ),
                ("prov:wasDerivedFrom", source),
            ],
        )

    def _event(self, pair: _Pair, year: int) -> None:
        """Write a workshop, training, forum...: some countries, a few agenda items, sources."""
        framework = pair.plus_three if self.rng.random() < 0.3 else pair.base
        pool = self.members + (self.partners if framework.plus_three else [])
        host = self.rng.choice(self.members)
        kind_en, kind_km, kind_slug = self.rng.choice(_EVENTS)
        theme_en, theme_km = self.rng.choice(_THEMES)
        meeting = _kg(f"{framework.slug}-{kind_slug}-{year}-{self._events + 1}")
        day = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 360))
        mode = self._mode(year)
        overview = self._overview(framework, year)
        sources = [overview]
        if self.rng.random() < 0.5:
            article = _kg(f"synth-src-{meeting.removeprefix('kg:synth-')}")
            sources.insert(0, article)
            self.out.node(
                article,
                [
                    ("a", ["accsm:SourceDocument", "schema:NewsArticle"]),
                    ("rdfs:label", _text(f"{host.en} Daily: {kind_en} on {theme_en} opens", "en")),
                    (
                        "dcterms:title",
                        _text(f"{kind_en} on {theme_en} opens in {host.capital_en}", "en"),
                    ),
                    ("dcterms:publisher", self._daily(host)),
                    ("dcterms:language", _text("en")),
                ],
            )
        countries = sorted(
            self.rng.sample(pool, self.rng.randint(3, min(9, len(pool)))), key=pool.index
        )
        for country in countries:
            school = self.rng.random() < 0.3
            level = _FOCAL if self.rng.random() < 0.7 else _SOM
            self._delegation(
                _kg(f"{country.slug}-delegation-{meeting.removeprefix('kg:synth-')}"),
                f"{kind_en} on {theme_en}, {year}",
                country,
                self._school(country) if school else self._agency(pair, country),
                [meeting],
                self._person(country, pair, level, year, sources[0]),
                sources[0],
                self.rng.randint(1, 5),
            )
        items: list[_Item] = [("Opening session", "សម័យប្រជុំបើក", None)]
        for n in range(self.rng.randint(1, 2)):
            items.append((f"Session {n + 1} on {theme_en}", f"សម័យប្រជុំស្តីពី{theme_km}", None))
        items.append(("Closing and evaluation", "ការបិទ និងការវាយតម្លៃ", None))
        hcs = self._meeting_iri(framework, _HCS, year)
        online = mode == "concept:mode-online"
        self.out.node(
            meeting,
            [
                ("a", "accsm:Meeting"),
                (
                    "rdfs:label",
                    [
                        _text(f"{framework.abbr} {kind_en} on {theme_en}, {year}", "en"),
                        _text(f"{kind_km}ស្តីពី{theme_km} {framework.abbr} ឆ្នាំ{_km_year(year)}", "km"),
                    ],
                ),
                ("accsm:framework", _kg(framework.slug)),
                ("accsm:mode", mode),
                ("schema:startDate", _date(day)),
                ("schema:endDate", _date(day + dt.timedelta(days=self.rng.randint(0, 2)))),
                ("schema:organizer", self._agency(pair, host)),
                ("accsm:hostedBy", None if online else _kg(host.slug)),
                ("schema:location", None if online else _text(host.capital_en, "en")),
                ("schema:superEvent", hcs if self.rng.random() < 0.2 else None),
                ("accsm:participant", [_kg(c.slug) for c in countries]),
                ("accsm:agendaItem", self._agenda(meeting, items, sources[0])),
                ("accsm:outcome", self._outcomes(1) if self.rng.random() < 0.5 else None),
                ("prov:wasDerivedFrom", sources),
            ],
        )
