r"""Where a triple is written: the file and line of a statement in Turtle or TriG files.

A light reader, not a parser: it reads each file's prefixes, finds the statement blocks whose
subject is an IRI (written in full or as any prefixed name of it, in or out of ``GRAPH { }``
blocks), and notes the line of each predicate and object in them. It never raises on what it
reads: what it cannot make sense of, it skips to the next statement.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "a.trig"
>>> _ = path.write_text(
...     '@prefix ex: <urn:ex:> .\nex:g {\n  ex:a a ex:T ;  # a comment; "with" quotes.\n'
...     '    ex:p "x # y ; z." , 7 .\n}\n', encoding="utf-8")
>>> found = locate([path], URIRef("urn:ex:a"), URIRef("urn:ex:p"), Literal(7))
>>> found.file.name, found.line
('a.trig', 4)
>>> locate([path], URIRef("urn:ex:a")).line  # where its description starts
3
>>> print(locate([path], URIRef("urn:ex:b")))
None
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .resources import graph_iri
from .terms import quiet_rdflib_terms

__all__ = ["Location", "Locator", "locate"]


@dataclass(frozen=True)
class Location:
    """A line of a file (lines count from 1).

    >>> str(Location(Path("data/meetings.trig"), 12))
    'data/meetings.trig:12'
    """

    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


# -- tokens --------------------------------------------------------------------------------------

_STOP = r"""\s<>"'{}|^`\\;,()\[\]#@"""
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    | (?P<string>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<datatype>\^\^)
    | (?P<bnode>_:(?:[^STOP.:]|\.+(?=[^STOP.:]))*)
    | (?P<number>[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+
                      |[0-9]*\.[0-9]+|[0-9]+))
    | (?P<pname>(?:[^\W\d][^STOP:]*)?:(?:[^STOP.]|\\\S|\.+(?=[^STOP.]|\\\S))*)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<punct>[.;,\[\](){}])
    | (?P<other>.)
    """.replace("STOP", _STOP),
    re.VERBOSE | re.DOTALL,
)
_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def _tokens(text: str) -> list[_Token]:
    """Split Turtle or TriG into tokens with their lines; comments and spaces are dropped."""
    found, line, last = [], 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        line += text.count("\n", last, match.start())
        last = match.start()
        found.append(_Token(kind, match.group(), line))
    return found


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code is not None:
            number = int(code, 16)
            return chr(number) if number <= 0x10FFFF else match.group(0)
        char = match.group(3)
        return _ESCAPES.get(char, char)

    return _ECHAR.sub(one, text)


# -- statements ----------------------------------------------------------------------------------

#: An object as written: an IRI, a literal as (lexical form, language, datatype), or None for
#: what cannot be matched (blank nodes, collections).
_Object = URIRef | tuple[str, str | None, URIRef | None] | None


@dataclass
class _Block:
    """One statement about a named subject: where it starts, and its predicates and objects."""

    line: int
    predicates: list[tuple[URIRef, int, list[tuple[_Object, int]]]] = field(default_factory=list)


@dataclass
class _Index:
    blocks: dict[URIRef, list[_Block]] = field(default_factory=dict)
    graphs: dict[URIRef, int] = field(default_factory=dict)


class _Skip(Exception):
    """Raised on a token that makes no sense where it is: skip to the next statement."""


class _Reader:
    """Reads statement blocks out of tokens, recovering from anything it does not expect."""

    _DEPTH = 50  # nested [ ] and ( ) deeper than this are skipped, not followed

    def __init__(self, tokens: list[_Token], base: str) -> None:
        self.tokens, self.i, self.base = tokens, 0, base
        self.prefixes: dict[str, str] = {}
        self.index = _Index()

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _Skip
        self.i += 1
        return token

    def read(self) -> _Index:
        while self.i < len(self.tokens):
            start = self.i
            try:
                self.statement()
            except _Skip:
                self.recover()
            self.i = max(self.i, start + 1)
        return self.index

    def recover(self) -> None:
        """Skip past the next full stop, or up to the next brace."""
        while (token := self.peek()) is not None:
            if token.text in "{}" and token.kind == "punct":
                return
            self.i += 1
            if token.text == "." and token.kind == "punct":
                return

    def statement(self) -> None:
        token = self.next()
        lowered = token.text.lower()
        if token.kind == "punct" and token.text in "{}.":
            return
        if lowered in ("@prefix", "prefix") and token.kind in ("lang", "word"):
            name, iri = self.next(), self.next()
            if name.kind != "pname" or not name.text.endswith(":") or iri.kind != "iri":
                raise _Skip
            self.prefixes[name.text[:-1]] = str(self.iri(iri))
        elif lowered in ("@base", "base") and token.kind in ("lang", "word"):
            self.base = str(self.iri(self.next()))
        elif lowered == "graph" and token.kind == "word":
            label = self.term(self.next())
            if isinstance(label, URIRef):
                self.index.graphs.setdefault(label, token.line)
        else:
            self.triples(token)
            return
        if (after := self.peek()) is not None and after.text == "." and after.kind == "punct":
            self.i += 1

    def triples(self, first: _Token) -> None:
        if first.text == "[" and first.kind == "punct":
            self.properties(None, 1)
            self.expect("]")
            subject: _Object = None
        elif first.text == "(" and first.kind == "punct":
            self.collection(1)
            subject = None
        else:
            subject = self.term(first)
        after = self.peek()
        if after is not None and after.text == "{" and after.kind == "punct":
            if isinstance(subject, URIRef):
                self.index.graphs.setdefault(subject, first.line)
            return
        if after is None or (after.kind == "punct" and after.text in ".}"):
            return  # [ ... ] . alone, or the end of a file cut short
        block = None
        if isinstance(subject, URIRef):
            block = _Block(first.line)
            self.index.blocks.setdefault(subject, []).append(block)
        self.properties(block, 0)

    def properties(self, block: _Block | None, depth: int) -> None:
        """Read ``verb objects (; verb objects)*``, noting them in ``block`` if it is given."""
        if depth > self._DEPTH:
            raise _Skip
        while (token := self.peek()) is not None and not (
            token.kind == "punct" and token.text in ".]}"
        ):
            self.i += 1
            if token.kind == "punct" and token.text == ";":
                continue
            predicate = RDF.type if token.kind == "word" and token.text == "a" else self.term(token)
            objects = [self.object(depth)]
            while (comma := self.peek()) is not None and (comma.kind, comma.text) == ("punct", ","):
                self.i += 1
                objects.append(self.object(depth))
            if block is not None and isinstance(predicate, URIRef):
                block.predicates.append((predicate, token.line, objects))

    def object(self, depth: int) -> tuple[_Object, int]:
        token = self.next()
        if token.kind == "punct" and token.text == "[":
            self.properties(None, depth + 1)
            self.expect("]")
            return None, token.line
        if token.kind == "punct" and token.text == "(":
            self.collection(depth + 1)
            return None, token.line
        if token.kind in ("string", "long"):
            quote = 3 if token.kind == "long" else 1
            lexical = _unescape(token.text[quote:-quote])
            after = self.peek()
            if after is not None and after.kind == "lang":
                self.i += 1
                return (lexical, after.text[1:].lower(), None), token.line
            datatype = None
            if after is not None and after.kind == "datatype":
                self.i += 1
                named = self.term(self.next())
                datatype = named if isinstance(named, URIRef) else None
            return (lexical, None, datatype), token.line
        return self.term(token), token.line

    def collection(self, depth: int) -> None:
        if depth > self._DEPTH:
            raise _Skip
        while (token := self.peek()) is not None and (token.kind, token.text) != ("punct", ")"):
            if token.kind == "punct" and token.text in ".{}]":
                raise _Skip
            self.object(depth)
        self.next()

    def expect(self, text: str) -> None:
        if self.next().text != text:
            raise _Skip

    def term(self, token: _Token) -> _Object:
        """Return the IRI or literal a single token stands for (None: a blank node)."""
        if token.kind == "iri":
            return self.iri(token)
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                return None
            if "\\" in local:
                local = re.sub(r"\\(.)", r"\1", local)
            return URIRef(self.prefixes[prefix] + local)
        if token.kind == "number":
            if "e" in token.text.lower():
                return (token.text, None, XSD.double)
            return (token.text, None, XSD.decimal if "." in token.text else XSD.integer)
        if token.kind == "word" and token.text in ("true", "false"):
            return (token.text, None, XSD.boolean)
        if token.kind == "bnode":
            return None
        raise _Skip

    def iri(self, token: _Token) -> URIRef:
        if token.kind != "iri":
            raise _Skip
        text = _unescape(token.text[1:-1])
        if ":" not in text.split("/", 1)[0]:  # relative: resolved against the base
            text = urljoin(self.base, text)
        return URIRef(text)


def _same(written: _Object, value: Node) -> bool:
    """Whether an object as written is ``value`` (a literal by its lexical form or its value)."""
    if isinstance(written, URIRef) or written is None:
        return written == value
    if not isinstance(value, Literal):
        return False
    lexical, language, datatype = written
    if language is not None or value.language is not None:
        return (language or "") == (value.language or "").lower() and lexical == str(value)
    if (datatype or XSD.string) != (value.datatype or XSD.string):
        return False
    if lexical == str(value):
        return True
    try:
        with quiet_rdflib_terms():  # an ill-typed literal is no error here, only no match
            ours = Literal(lexical, datatype=datatype).value
    except (ValueError, TypeError):
        return False
    return ours is not None and value.value is not None and bool(ours == value.value)


# -- the public API ------------------------------------------------------------------------------


class Locator:
    """Finds where subjects and triples are written in files, reading each file once.

    >>> Locator().locate([Path("no/such/file.ttl")], URIRef("urn:x:a")) is None
    True
    """

    def __init__(self) -> None:
        self._indexes: dict[Path, _Index | None] = {}

    def _index(self, path: Path) -> _Index | None:
        if path not in self._indexes:
            try:
                text = path.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                self._indexes[path] = None
            else:
                self._indexes[path] = _Reader(_tokens(text), str(graph_iri(path))).read()
        return self._indexes[path]

    def _blocks(self, files: Iterable[Path], subject: URIRef) -> Iterator[tuple[Path, _Block]]:
        for path in files:
            index = self._index(Path(path))
            for block in index.blocks.get(subject, []) if index is not None else []:
                yield Path(path), block

    def locate(
        self,
        files: Iterable[str | Path],
        subject: Node,
        predicate: Node | None = None,
        object: Node | None = None,
    ) -> Location | None:
        """Return where a subject, or one of its statements, is written in ``files``.

        With a ``predicate``: the line of the ``object`` in a statement of that predicate (of
        the predicate if no object is given, or none of the objects written is it). Without:
        the line where the subject's description starts (its block giving it an ``rdf:type``,
        else its first block), or for a named graph the line that opens it. None when not found.
        """
        paths = [Path(path) for path in files]
        if not isinstance(subject, URIRef):
            return None
        if predicate is None:
            blocks = list(self._blocks(paths, subject))
            typed = [(p, b) for p, b in blocks if any(s[0] == RDF.type for s in b.predicates)]
            if typed or blocks:
                path, block = (typed or blocks)[0]
                return Location(path, block.line)
            for path in paths:
                index = self._index(path)
                if index is not None and subject in index.graphs:
                    return Location(path, index.graphs[subject])
            return None
        near = None
        for path, block in self._blocks(paths, subject):
            for said, line, objects in block.predicates:
                if said != predicate:
                    continue
                if object is None:
                    return Location(path, line)
                for written, at in objects:
                    if _same(written, object):
                        return Location(path, at)
                near = near or Location(path, line)
        return near


def locate(
    files: Iterable[str | Path],
    subject: Node,
    predicate: Node | None = None,
    object: Node | None = None,
) -> Location | None:
    """Return where a subject or triple is written in Turtle or TriG ``files``.

    See :meth:`Locator.locate`; to look up many, use one :class:`Locator`, which reads each file
    once.
    """
    return Locator().locate(files, subject, predicate, object)
