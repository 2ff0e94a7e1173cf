"""The errors accsm-kg raises, all under one root.

::

    AccsmKgError
    ├── LoadError                      a file could not be added to the graph
    │   ├── SourceNotFoundError        (FileNotFoundError) a path that does not exist
    │   ├── UnsupportedFileError       (ValueError) a file that is not an RDF format we read
    │   ├── TurtleSyntaxError          (SyntaxError) with filename, lineno and offset
    │   ├── InvalidLiteralError        (ValueError) e.g. "2020-13-45"^^xsd:date
    │   ├── EncodingError              (ValueError) a file that is not UTF-8 text
    │   ├── EmptyFileError             (ValueError) a file with nothing in it
    │   ├── NoRdfFilesError            (FileNotFoundError) a folder holding no RDF file
    │   └── ImportNotFoundError        (LookupError) an owl:imports not in the offline catalog
    ├── QueryError                     a SPARQL query that cannot be run as asked
    │   ├── SparqlSyntaxError          (SyntaxError) with lineno and offset
    │   ├── QueryFormError             (TypeError) SELECT sent to ask(), and so on
    │   ├── UnknownQueryError          (LookupError) no named query of that name
    │   ├── BindingError               (ValueError) a binding that names no variable or
    │   │                              holds a value that is not an RDF term
    │   └── QueryTimeoutError          (TimeoutError) a query that ran past its timeout
    ├── OptionError                    (ValueError) an option given a value it cannot take,
    │                                  such as a timeout of 0 seconds
    ├── UnknownNodeError               (KeyError) a node the graph does not hold; near matches
    ├── AmbiguousNodeError             (LookupError) a label that names several nodes
    ├── ShapesError                    (ValueError) the SHACL shapes themselves are unusable
    │   └── UnsupportedShapesError     (NotImplementedError) a SHACL feature the SPARQL engine
    │                                  does not compile; engine="pyshacl" validates it
    ├── DumpError                      (OSError) a dump that could not be written
    ├── FormatError                    (ValueError) an output format we do not write
    ├── FontNotFoundError              (LookupError) no font installed for the script of a
    │                                  picture (Khmer); the message names the package
    ├── CurationError                  (ValueError) curated rows that cannot be imported,
    │                                  each problem with its file, row and column
    ├── ReleaseError                   (ValueError) a release that cannot be made as asked
    │   └── RoundTripError             a file of a release that does not parse back to its graph
    ├── ReasonerError                  an OWL reasoner that could not run (no Java, a Java error)
    ├── KhmerDateError                 (ValueError) a Khmer date or numeral that cannot be read
    │   ├── KhmerNumeralError          text that is not a (Khmer) numeral
    │   └── KhmerDateMismatchError     two forms of one date that disagree
    └── StoreError                     a store that cannot do what was asked
        ├── ReadOnlyStoreError         (PermissionError) a write to a store opened read-only
        └── RemoteError                a SPARQL server that did not answer as asked
            ├── ServerUnreachableError (ConnectionError) no server at that address
            ├── RemoteTimeoutError     (TimeoutError) no answer in time
            ├── AuthenticationError    (PermissionError) credentials refused (HTTP 401, 403)
            └── RemoteHTTPError        any other HTTP error, with the server's message

And the warnings, under their own root::

    AccsmKgWarning (UserWarning)
    └── CanonicalFormWarning           a literal the store keeps by value, so gives back in
                                       another form ("01"^^xsd:integer read back as "1")
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AccsmKgError",
    "AccsmKgWarning",
    "AmbiguousNodeError",
    "AuthenticationError",
    "BindingError",
    "BlankNodeLimitError",
    "CanonicalFormWarning",
    "CurationError",
    "DumpError",
    "EmptyFileError",
    "EncodingError",
    "EntityExpansionError",
    "FontNotFoundError",
    "FormatError",
    "GraphConflictError",
    "ImportNotFoundError",
    "InvalidLiteralError",
    "KhmerDateError",
    "KhmerDateMismatchError",
    "KhmerNumeralError",
    "LoadError",
    "NestingTooDeepError",
    "NoRdfFilesError",
    "NoTripleWarning",
    "NotAFileError",
    "OptionError",
    "QueryError",
    "QueryFormError",
    "QueryTimeoutError",
    "ReadOnlyStoreError",
    "ReasonerError",
    "ReleaseError",
    "RemoteError",
    "RemoteHTTPError",
    "RemoteTimeoutError",
    "RoundTripError",
    "ServerUnreachableError",
    "ShapesError",
    "SourceNotFoundError",
    "SparqlSyntaxError",
    "StoreError",
    "StoreWarning",
    "TokenTooLargeError",
    "TurtleSyntaxError",
    "UnknownNodeError",
    "UnknownQueryError",
    "UnreadableFileError",
    "UnsupportedFileError",
    "UnsupportedShapesError",
]

SHACL_SPEC = "https://www.w3.org/TR/shacl/"


class AccsmKgError(Exception):
    """The root of every error accsm-kg raises on purpose."""


class LoadError(AccsmKgError):
    """A file could not be added to the knowledge graph; the graph is left unchanged."""


class SourceNotFoundError(LoadError, FileNotFoundError):
    """A path given to load does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.filename = path

    def __str__(self) -> str:
        return str(self.args[0])


class UnsupportedFileError(LoadError, ValueError):
    """A file whose name does not say it is in a format read there (Turtle or N-Triples).

    ``reader`` and ``formats`` let a command that reads other formats (``accsm-kg diff``) say so.
    """

    def __init__(
        self,
        path: str,
        *,
        reader: str = "accsm-kg",
        formats: str = "use .ttl for Turtle, .nt for N-Triples, .nq for N-Quads or .trig for TriG",
    ) -> None:
        super().__init__(f"{path}: not an RDF file {reader} reads ({formats})")
        self.filename = path


class TurtleSyntaxError(LoadError, SyntaxError):
    """A Turtle or N-Triples file that does not parse.

    ``filename``, ``lineno`` (1-based) and ``offset`` (1-based column) say where.
    """

    def __init__(self, message: str, filename: str, lineno: int, offset: int | None) -> None:
        where = f"{filename}:{lineno}" + (f":{offset}" if offset else "")
        super().__init__(f"{where}: {message}")
        self.msg = f"{where}: {message}"
        self.filename = filename
        self.lineno = lineno
        self.offset = offset
        self.reason = message

    def __str__(self) -> str:
        return self.msg


class InvalidLiteralError(LoadError, ValueError):
    """A literal whose text is not a value of its datatype, e.g. ``"eight"^^xsd:integer``."""

    def __init__(self, filename: str, lineno: int | None, lexical: str, datatype: str) -> None:
        where = f"{filename}:{lineno}" if lineno else filename
        super().__init__(f'{where}: "{lexical}" is not a valid {datatype}')
        self.filename = filename
        self.lineno = lineno
        self.lexical = lexical
        self.datatype = datatype


class EncodingError(LoadError, ValueError):
    """A file that is not UTF-8 text; ``lineno`` and ``offset`` say where the first bad byte is."""

    def __init__(self, filename: str, lineno: int, offset: int, problem: str) -> None:
        super().__init__(f"{filename}:{lineno}:{offset}: {problem}")
        self.filename = filename
        self.lineno = lineno
        self.offset = offset


class EmptyFileError(LoadError, ValueError):
    """A file with nothing in it (no bytes, or only white space)."""

    def __init__(self, filename: str) -> None:
        super().__init__(f"{filename}: the file is empty; an RDF file holds at least one triple")
        self.filename = filename


class NotAFileError(LoadError, ValueError):
    """A path that exists but is no regular file or folder (a named pipe, a device, a socket)."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path}: {kind}, not a file; accsm-kg reads RDF from files and folders")
        self.filename = path


class UnreadableFileError(LoadError, OSError):
    """A file that exists but cannot be read (no permission, an I/O error)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot be read: {reason}")
        self.filename = path

    def __str__(self) -> str:
        return str(self.args[0])


class TokenTooLargeError(LoadError, ValueError):
    """A file holding one literal or IRI longer than the parser reads (16 MiB)."""

    def __init__(self, path: str, line: int | None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(
            f"{where}: a literal or IRI longer than 16 MiB, more than Oxigraph's parser reads; "
            "keep large texts outside the graph and link to them"
        )
        self.filename = path
        self.lineno = line


class EntityExpansionError(LoadError, ValueError):
    """An XML file whose DOCTYPE entities would expand far beyond its own size, or fetch a file."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"{path}: {what}")
        self.filename = path


class NestingTooDeepError(LoadError, ValueError):
    """A file whose elements nest deeper than its reader handles in time proportional to it."""

    def __init__(self, path: str, line: int, limit: int) -> None:
        super().__init__(
            f"{path}:{line}: elements nested more than {limit:,} deep, more than accsm-kg reads"
        )
        self.filename = path
        self.lineno = line


class GraphConflictError(LoadError):
    """A file that fills a named graph already loaded from other files, which it would replace."""

    def __init__(self, path: str, graph: str, others: list[str]) -> None:
        held = (
            f"loaded from {', '.join(others[:3])}{' and more' if len(others) > 3 else ''}"
            if others
            else "not loaded from this file"
        )
        super().__init__(
            f"{path}: fills the named graph <{graph}>, which already holds triples {held}; "
            "loading it would replace them. Load the files in one call to add them up, or pass "
            "replace=True to replace the graph"
        )
        self.filename = path
        self.graph = graph


class NoRdfFilesError(LoadError, FileNotFoundError):
    """A folder given to load that holds no ``.ttl``, ``.nt`` or ``.trig`` file at all."""

    def __init__(self, folder: str, others: list[str]) -> None:
        seen = f" (it holds only: {', '.join(others[:5])}{', ...' if len(others) > 5 else ''})"
        super().__init__(
            f"{folder}: no .ttl, .nt or .trig file in this folder{seen if others else ''}"
        )
        self.filename = folder

    def __str__(self) -> str:
        return str(self.args[0])


class ImportNotFoundError(LoadError, LookupError):
    """An ``owl:imports`` of an IRI that is neither loaded nor in the offline catalog."""

    def __init__(self, filename: str, iri: str, known: list[str]) -> None:
        super().__init__(
            f"{filename}: owl:imports <{iri}> is not in the offline catalog and accsm-kg never "
            f"fetches from the network; load a local copy of it too (catalogued: "
            f"{', '.join(known)})"
        )
        self.filename = filename
        self.iri = iri


class QueryError(AccsmKgError):
    """A SPARQL query that cannot be run as asked."""


class SparqlSyntaxError(QueryError, SyntaxError):
    """A SPARQL query that does not parse; ``lineno`` and ``offset`` (1-based) say where.

    ``text`` is the line of the query at fault, shown under the message with a caret under
    the column; ``reason`` is the message alone.

    >>> print(SparqlSyntaxError("expected '{' after WHERE", 2, 3, text="  ?s ?p ?o }"))
    SPARQL syntax error: line 2, column 3: expected '{' after WHERE
          ?s ?p ?o }
          ^
    """

    def __init__(
        self,
        message: str,
        lineno: int | None = None,
        offset: int | None = None,
        *,
        text: str | None = None,
    ) -> None:
        where = f"line {lineno}, column {offset}: " if lineno else ""
        shown = f"SPARQL syntax error: {where}{message}"
        if text is not None and text.strip() and offset:
            # tabs kept under tabs, so the caret stands under the column in any terminal
            pad = "".join(c if c == "\t" else " " for c in text[: offset - 1])
            shown += f"\n    {text.rstrip()}\n    {pad}^"
        super().__init__(shown)
        self.msg = shown
        self.lineno = lineno
        self.offset = offset
        self.text = text
        self.reason = message

    def __str__(self) -> str:
        return self.msg


class QueryFormError(QueryError, TypeError):
    """A query sent to the method of another query form; the message names the right one."""

    def __init__(self, form: str, called: str, right: str) -> None:
        expected = self._expected(called)
        super().__init__(
            f"{called}() runs {expected}; this is {'an' if form[0] in 'AEIOU' else 'a'} "
            f"{form} query: use {right}() instead"
        )
        self.form = form
        self.right = right

    @staticmethod
    def _expected(called: str) -> str:
        return {
            "query": "SELECT queries",
            "ask": "ASK queries",
            "construct": "CONSTRUCT and DESCRIBE queries",
            "named_query": "named SELECT queries",
        }.get(called, "queries")


class UnknownQueryError(QueryError, LookupError):
    """No named query has that name; the message names the nearest ones, or lists them all."""

    def __init__(self, name: str, known: list[str]) -> None:
        import difflib

        near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        super().__init__(
            f"no named query {name!r}; did you mean {' or '.join(near)}?"
            if near
            else f"no named query {name!r}; the named queries are: {', '.join(sorted(known))}"
        )
        self.name = name


class BindingError(QueryError, ValueError):
    """A binding that names no variable of the query, or whose value is not an RDF term."""


class QueryTimeoutError(QueryError, TimeoutError):
    """A query that did not finish within its ``timeout`` (seconds); nothing was changed."""

    def __init__(self, timeout: float) -> None:
        super().__init__(
            f"the query did not finish within {timeout:g} s; narrow it down or give a larger "
            "timeout"
        )
        self.timeout = timeout


class OptionError(AccsmKgError, ValueError):
    """An option given a value it cannot take, such as a timeout of 0 seconds."""


class UnknownNodeError(AccsmKgError, KeyError):
    """A node (prefixed name, IRI or label) that occurs nowhere in the graph.

    ``near`` holds the nodes whose labels come nearest, which the message suggests.
    """

    def __init__(self, node: str, near: list[str]) -> None:
        hint = (
            f"; did you mean {', '.join(near)}?"
            if near
            else "; find nodes by their labels with kg.search(text)"
        )
        super().__init__(f"{node} occurs nowhere in the graph{hint}")
        self.node = node
        self.near = near

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousNodeError(AccsmKgError, LookupError):
    """A label that names several nodes; the message lists them, to be given by name instead."""

    def __init__(self, label: str, nodes: list[str]) -> None:
        super().__init__(
            f"{label!r} is the label of {len(nodes)} nodes: {', '.join(nodes)}; "
            "give the one meant by its prefixed name or IRI"
        )
        self.label = label
        self.nodes = nodes


class ShapesError(AccsmKgError, ValueError):
    """SHACL shapes that cannot be used for validation."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} (for reference, see {SHACL_SPEC})")


class UnsupportedShapesError(ShapesError, NotImplementedError):
    """Shapes that use a SHACL feature the SPARQL engine does not compile.

    The shapes may well be valid: validate them with pySHACL (``engine="pyshacl"``).
    """

    def __init__(self, shape: str, feature: str, anchor: str) -> None:
        # past ShapesError.__init__, which would name the spec a second time
        super(ShapesError, self).__init__(
            f"{shape}: {feature} is not compiled to SPARQL; validate with pySHACL "
            f'(engine="pyshacl") instead (see {SHACL_SPEC}#{anchor})'
        )


class DumpError(AccsmKgError, OSError):
    """A dump that could not be written; any earlier file at that path is left as it was."""


class FormatError(AccsmKgError, ValueError):
    """An output format accsm-kg does not write; the message lists those it does."""


class FontNotFoundError(AccsmKgError, LookupError):
    """No installed font can draw the labels of a picture, such as Khmer ones.

    The message names the fonts looked for and the Debian package that installs one.
    """


class CurationError(AccsmKgError, ValueError):
    """Curated rows (CSV or YAML) that cannot be imported.

    ``problems`` lists each problem, naming the file, the row and the column.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else [message]

    @classmethod
    def listing(cls, path: object, problems: list[str]) -> CurationError:
        """Return one error for all the ``problems`` found in the file ``path``."""
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = "\n".join(f"  {p}" for p in problems)
        return cls(f"{count} in {Path(str(path)).name}, nothing written:\n{lines}", list(problems))


class StoreError(AccsmKgError):
    """A store that cannot do what was asked of it."""


class ReadOnlyStoreError(StoreError, PermissionError):
    """A write to a store opened read-only (a remote store without an update endpoint)."""

    def __str__(self) -> str:
        return str(self.args[0])


class RemoteError(StoreError):
    """A SPARQL server that did not answer as asked; ``url`` is the endpoint."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url

    def __str__(self) -> str:
        return str(self.args[0])


class ServerUnreachableError(RemoteError, ConnectionError):
    """No SPARQL server answers at that address."""


class RemoteTimeoutError(RemoteError, TimeoutError):
    """The server did not answer within the timeout."""


class AuthenticationError(RemoteError, PermissionError):
    """The server refused the credentials, or asked for some (HTTP 401 or 403)."""


class RemoteHTTPError(RemoteError):
    """The server answered with an HTTP error; ``status`` and the server's ``body`` say which."""

    def __init__(self, message: str, url: str, status: int, body: str) -> None:
        super().__init__(message, url)
        self.status = status
        self.body = body


class ReasonerError(AccsmKgError):
    """An OWL reasoner (HermiT, Pellet) that could not run: no Java, or a Java error."""


class KhmerDateError(AccsmKgError, ValueError):
    """A Khmer date or numeral that cannot be read, or a date outside the calendar's range."""


class KhmerNumeralError(KhmerDateError):
    """Text or a number that is not a (Khmer) numeral."""


class KhmerDateMismatchError(KhmerDateError):
    """Two statements of one date disagree (a weekday, a lunar day, a year label...).

    ``part`` names what disagrees, ``expected`` is what the calendar says and ``found`` what
    the text says.
    """

    def __init__(self, message: str, *, part: str, expected: str, found: str) -> None:
        super().__init__(message)
        self.part = part
        self.expected = expected
        self.found = found


class BlankNodeLimitError(AccsmKgError, ValueError):
    """Blank nodes too many and too alike to be given canonical labels in reasonable time.

    RDFC-1.0 tells apart blank nodes that look alike by exploring the structure around each;
    its work grows much faster than their number.
    """

    def __init__(self, alike: int, limit: int, shape: str) -> None:
        super().__init__(
            f"{alike} blank nodes alike in one structure (such as _:a in: {shape[:300]}), more "
            f"than the {limit} whose canonical labels (RDFC-1.0) can be found in reasonable "
            "time; give those nodes IRIs"
        )
        self.alike = alike


class ReleaseError(AccsmKgError, ValueError):
    """A release that cannot be made as asked: a bad version, a checker that is missing."""


class RoundTripError(ReleaseError):
    """A file of a release that does not parse back, with one parser, to the graph it holds.

    ``filename`` and ``parser`` say which; nothing of the release is written then.
    """

    def __init__(self, filename: str, parser: str, problem: str) -> None:
        super().__init__(f"{filename}: read back with {parser}, {problem}")
        self.filename = filename
        self.parser = parser


class AccsmKgWarning(UserWarning):
    """The root of the warnings accsm-kg gives."""


class NoTripleWarning(AccsmKgWarning):
    """A file that parses but holds no triple (only comments or declarations): an empty graph.

    A file with no text at all is refused instead (:class:`EmptyFileError`).
    """

    def __init__(self, filename: str) -> None:
        super().__init__(
            f"{filename}: the file holds no triple, only comments or declarations; "
            "its graph is empty"
        )
        self.filename = filename


class StoreWarning(AccsmKgWarning):
    """Something in a store's own files was unreadable and is rebuilt (nothing is lost)."""


class CanonicalFormWarning(AccsmKgWarning):
    """Literals of a file that the store keeps by value, so gives back in another form.

    Oxigraph stores numbers, booleans, dates, times and durations by value: ``"01"^^xsd:integer``
    is read back as ``"1"``, and two triples that differ only so become one.
    """

    def __init__(self, filename: str, found: list[tuple[int | None, str, str, str]]) -> None:
        shown = [
            f'{filename}:{line or "?"}: "{lexical}"^^{datatype} is kept as "{canonical}"'
            for line, lexical, datatype, canonical in found[:5]
        ]
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        super().__init__(
            "; ".join(shown) + more + ": the Oxigraph store keeps numbers, booleans, dates, "
            "times and durations by value; write the canonical form to keep file and store alike"
        )
        self.filename = filename
        self.found = found
