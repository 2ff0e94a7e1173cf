r"""Say in words what is wrong with a SPARQL text that does not parse, and where.

The parser (rdflib's, which every store shares) only says where it gave up, often at the start
of the pattern it was reading ("Expected SelectQuery"). This module reads the text again with a
small lexer of its own and names the likely fault: a bracket left open or closed twice, ``{``
missing after ``WHERE``, a word that is no term, an unknown prefix. Each error carries the line
at fault, shown with a caret under the column (see :class:`~accsm_kg.errors.SparqlSyntaxError`).

>>> error = explain("SELECT ?s WHERE {\n  ?s ?p ?o\n", 3, 1)
>>> error.lineno, error.offset
(2, 11)
>>> print(error.reason)
expected '}' to close the group opened on line 1, column 17, at the end of the query
>>> print(str(error).split("\n", 1)[1])
      ?s ?p ?o
              ^
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import SparqlSyntaxError

__all__ = ["explain", "unknown_prefix"]

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<open_string>["'])
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<word>[\w%:\\-](?:[\w%:.\\-]*[\w%:\\-])?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CLOSER = {"{": "}", "(": ")", "[": "]"}
_OPENER = {close: open_ for open_, close in _CLOSER.items()}
_KIND = {"{": "group", "(": "bracket", "[": "blank node"}
#: the words a query may start with, after its PREFIX and BASE declarations
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
#: words that stand bare in SPARQL: keywords, functions, ``a`` and the booleans
_KEYWORDS = frozenset(
    (
        "a",
        "true",
        "false",
        "select",
        "ask",
        "construct",
        "describe",
        "where",
        "from",
        "named",
        "prefix",
        "base",
        "distinct",
        "reduced",
        "as",
        "order",
        "by",
        "asc",
        "desc",
        "limit",
        "offset",
        "group",
        "having",
        "values",
        "optional",
        "minus",
        "union",
        "filter",
        "bind",
        "graph",
        "service",
        "silent",
        "not",
        "in",
        "exists",
        "undef",
        "insert",
        "delete",
        "data",
        "load",
        "clear",
        "drop",
        "create",
        "add",
        "move",
        "copy",
        "to",
        "into",
        "with",
        "using",
        "default",
        "all",
        "count",
        "sum",
        "min",
        "max",
        "avg",
        "sample",
        "group_concat",
        "separator",
        "str",
        "lang",
        "langmatches",
        "datatype",
        "bound",
        "iri",
        "uri",
        "bnode",
        "rand",
        "abs",
        "ceil",
        "floor",
        "round",
        "concat",
        "strlen",
        "ucase",
        "lcase",
        "encode_for_uri",
        "contains",
        "strstarts",
        "strends",
        "strbefore",
        "strafter",
        "year",
        "month",
        "day",
        "hours",
        "minutes",
        "seconds",
        "timezone",
        "tz",
        "now",
        "uuid",
        "struuid",
        "md5",
        "sha1",
        "sha256",
        "sha384",
        "sha512",
        "coalesce",
        "if",
        "strlang",
        "strdt",
        "sameterm",
        "isiri",
        "isuri",
        "isblank",
        "isliteral",
        "isnumeric",
        "regex",
        "substr",
        "replace",
    )
)


@dataclass(frozen=True)
class _Token:
    kind: str
    value: str
    start: int


def _tokens(text: str) -> list[_Token]:
    """Split ``text`` into tokens, leaving out white space and comments."""
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append(_Token(kind, match.group(), match.start()))
        if kind == "open_string":  # the rest of the line is inside the string
            break
    return found


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _at(text: str, offset: int, message: str) -> SparqlSyntaxError:
    """Return the error ``message`` at ``offset`` of ``text``, with its line shown."""
    line, column = _line_column(text, offset)
    lines = text.splitlines()
    return SparqlSyntaxError(
        message, line, column, text=lines[line - 1] if line <= len(lines) else ""
    )


def _where(text: str, offset: int) -> str:
    return "line {}, column {}".format(*_line_column(text, offset))


def _brackets(text: str, tokens: list[_Token], what: str) -> SparqlSyntaxError | None:
    """Return the error of a bracket closed by another kind, closing nothing, or left open."""
    stack: list[_Token] = []
    for token in tokens:
        if token.value in _CLOSER:
            stack.append(token)
        elif token.value in _OPENER:
            if not stack:
                return _at(
                    text,
                    token.start,
                    f"{token.value!r} closes nothing: no {_KIND[_OPENER[token.value]]} is open "
                    f"here; remove it, or open one with {_OPENER[token.value]!r} before",
                )
            opened = stack.pop()
            if _CLOSER[opened.value] != token.value:
                return _at(
                    text,
                    token.start,
                    f"expected {_CLOSER[opened.value]!r} to close the {_KIND[opened.value]} opened "
                    f"on {_where(text, opened.start)}, before {token.value!r}",
                )
    if stack:
        opened = stack[-1]
        last = tokens[-1]
        return _at(
            text,
            last.start + len(last.value),
            f"expected {_CLOSER[opened.value]!r} to close the {_KIND[opened.value]} opened on "
            f"{_where(text, opened.start)}, at the end of the {what}",
        )
    return None


def _token_at(tokens: list[_Token], offset: int) -> int | None:
    """Return the index of the token at ``offset`` (or the first after it)."""
    for index, token in enumerate(tokens):
        if token.start + len(token.value) > offset:
            return index
    return None


def _offset(text: str, lineno: int, column: int) -> int:
    r"""Return the offset in ``text`` of the parser's ``lineno`` and ``column``.

    The parser counts columns with its tabs expanded to every eighth column.

    >>> _offset("ASK {\n\t?s ?p }", 2, 15)
    13
    """
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    start = starts[min(lineno, len(starts)) - 1]
    expanded = 1
    offset = start
    while offset < len(text) and text[offset] != "\n" and expanded < column:
        expanded = (expanded + 8 - (expanded - 1) % 8) if text[offset] == "\t" else expanded + 1
        offset += 1
    return offset


def explain(
    text: str, lineno: int | None, column: int | None, *, what: str = "query"
) -> SparqlSyntaxError:
    """Return the error for ``text``, which the parser gave up on at ``lineno``, ``column``.

    :param what: ``"query"`` or ``"update"``, as the message names it.
    """
    tokens = _tokens(text)
    if not tokens:
        return SparqlSyntaxError(f"the {what} is empty")
    if tokens[-1].kind == "open_string":
        return _at(
            text,
            tokens[-1].start,
            f"the string opened here is not closed on its line: end it with {tokens[-1].value}",
        )
    index = _token_at(tokens, _offset(text, lineno or 1, column or 1))
    before = _previous_words(tokens[:index] if index is not None else tokens)
    if index is not None and (not before or before[-1] == "WHERE"):
        return _at(text, tokens[index].start, _expected(tokens[index], before, what))
    if (found := _brackets(text, tokens, what)) is not None:
        return found
    if index is None:
        last = tokens[-1]
        return _at(text, last.start + len(last.value), f"the {what} ends too early")
    if (short := _short_triple(text, tokens, index)) is not None:
        return short
    return _at(text, tokens[index].start, _expected(tokens[index], before, what))


_TERMS = ("var", "iri", "word", "string")
_MISSING = {1: "a predicate and an object", 2: "an object"}


def _short_triple(text: str, tokens: list[_Token], index: int) -> SparqlSyntaxError | None:
    """Return the error of a triple pattern that ends before its object, if one starts here."""
    if index == 0 or tokens[index - 1].value not in ("{", "."):
        return None
    end = index
    while end < len(tokens) and tokens[end].kind in _TERMS:
        if _bare(tokens[end]) or tokens[end].value.lower() in _KEYWORDS - {"a"}:
            return None  # FILTER, OPTIONAL... or a word that is no term: no triple pattern
        end += 1
    count = end - index
    if count not in _MISSING or end == len(tokens) or tokens[end].value not in ("}", "."):
        return None
    return _at(
        text,
        tokens[end].start,
        f"expected {_MISSING[count]} after {tokens[end - 1].value!r}: a triple pattern is a "
        "subject, a predicate and an object",
    )


def _bare(token: _Token) -> bool:
    """Whether ``token`` is a word that is no term: no keyword, number or prefixed name."""
    value = token.value
    return (
        token.kind == "word"
        and ":" not in value
        and value.lower() not in _KEYWORDS
        and not re.match(r"[\d+-]", value)
    )


def _previous_words(tokens: list[_Token]) -> list[str]:
    """Return the tokens before the fault, upper-cased, without the PREFIX and BASE heading."""
    words = [t.value.upper() if t.kind == "word" else t.value for t in tokens]
    while words[:1] == ["BASE"] and len(words) >= 2:
        words = words[2:]
    while words[:1] == ["PREFIX"] and len(words) >= 3:
        words = words[3:]
    return words


def _expected(token: _Token, before: list[str], what: str) -> str:
    """Say what was expected where ``token`` stands, after the words ``before``."""
    shown = repr(token.value)
    if not before:
        starts = _FORMS if what == "query" else _UPDATES
        near = _near(token.value.upper(), starts)
        return (
            f"expected {', '.join(starts[:-1])} or {starts[-1]} (after any PREFIX and BASE), "
            f"not {shown}{near}"
        )
    previous = before[-1]
    if previous == "WHERE":
        return f"expected '{{' after WHERE, not {shown}"
    if previous in ("SELECT", "DISTINCT", "REDUCED") and token.value.upper() in ("WHERE", "{"):
        return f"expected the variables to select, or *, after {previous}, not {shown}"
    if _bare(token):
        if near := _near(token.value.upper(), [k.upper() for k in _KEYWORDS if len(k) > 2]):
            return f"unexpected {shown}{near}"
        return (
            f"unexpected {shown}, which is no term: write ?{token.value} for a variable, "
            f'kg:{token.value} for a prefixed name or "{token.value}" for a string'
        )
    return f"unexpected {shown} after {before[-1]!r}"


def _near(word: str, known: Iterable[str]) -> str:
    """Return ``"; did you mean X?"`` for the known word nearest ``word``, if one is near."""
    near = difflib.get_close_matches(word, list(known), n=1, cutoff=0.8)
    return f"; did you mean {near[0]}?" if near else ""


def unknown_prefix(text: str, prefix: str, known: Iterable[str]) -> SparqlSyntaxError:
    """Return the error of a prefixed name whose prefix is neither declared nor known.

    >>> error = unknown_prefix("ASK { ?s acsm:p ?o }", "acsm", ["accsm", "kg"])
    >>> error.offset, error.reason.split("; ")[-1]
    (10, 'did you mean accsm:?')
    """
    known = sorted(known)
    near = difflib.get_close_matches(prefix, known, n=1, cutoff=0.6)
    message = (
        f"unknown prefix {prefix}: (declare it with PREFIX {prefix}: <...>; known prefixes: "
        f"{', '.join(known)})" + (f"; did you mean {near[0]}:?" if near else "")
    )
    for token in _tokens(text):
        if token.kind == "word" and token.value.startswith(f"{prefix}:"):
            return _at(text, token.start, message)
    return SparqlSyntaxError(message)
