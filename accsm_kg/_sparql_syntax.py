r"""Say in words what is wrong with a SPARQL text that does not parse, and where.

The parser (rdflib's, which every store shares) only says where it gave up, often at the start
of the clause it was reading ("Expected SelectQuery"): an optional clause that fails part way
is dropped, and the clause before it is blamed. This module parses the text again with a
private copy of the grammar that records the furthest place any alternative reached, which is
where the fault is. A small lexer of its own then names it in words: a bracket left open or
closed twice, ``{`` missing after ``WHERE``, what must follow the word before (``BY`` after
``ORDER``, a whole number after ``LIMIT``, an expression after ``=``...), a word that is no
term, an IRI that holds a space, an unknown prefix. Each error carries the line at fault,
shown with a caret under the column (see :class:`~accsm_kg.errors.SparqlSyntaxError`).

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

import copy
import difflib
import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

import pyparsing
from rdflib.plugins.sparql import parser as rdflib_parser

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
  | (?P<operator>!=|<=|>=|&&|\|\||\^\^)
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


@dataclass
class _Furthest:
    """The furthest offset any alternative of the grammar reached, and what it expected there."""

    offset: int = -1
    expected: set[str] = field(default_factory=set)


_FURTHEST: ContextVar[_Furthest | None] = ContextVar("_FURTHEST", default=None)


def _record(text: str, offset: int, element: pyparsing.ParserElement, error: Exception) -> None:
    """Note where ``element`` failed, if it is the furthest failure of the parse under way."""
    furthest = _FURTHEST.get()
    if furthest is None:
        return
    at = error.loc if isinstance(error, pyparsing.ParseBaseException) else offset
    if at > furthest.offset:
        furthest.offset, furthest.expected = at, set()
    if at == furthest.offset and isinstance(element, pyparsing.Literal | pyparsing.Keyword):
        furthest.expected.add(element.match)


@cache
def _grammar(what: str) -> pyparsing.ParserElement:
    """Return a private copy of rdflib's grammar whose every element records its failures.

    A copy, so that rdflib's own grammar, which every store shares, is left as it is.
    """
    root = copy.deepcopy(rdflib_parser.Query if what == "query" else rdflib_parser.UpdateUnit)
    seen: set[int] = set()
    pending = [root]
    while pending:
        element = pending.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        element.set_fail_action(_record)
        if isinstance(element, pyparsing.ParseExpression):
            pending.extend(element.exprs)
        elif isinstance(element, pyparsing.ParseElementEnhance) and element.expr is not None:
            pending.append(element.expr)
    return root.parse_with_tabs()  # offsets in characters, as the text has them


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _furthest(text: str, what: str) -> _Furthest | None:
    r"""Return the furthest place the parser reached in ``text``, or ``None`` if it parses.

    The parser reads ``\u`` escapes first; the offset returned is the one in ``text``.

    >>> _furthest("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s", "query")
    _Furthest(offset=35, expected={'BY'})
    >>> _furthest("ASK { ?s ?p '\\u00e9' FILTER(?s = ) }", "query").offset
    33
    """
    origin: list[int] = []  # the offset in ``text`` of each character the parser reads
    read: list[str] = []
    done = 0
    for match in _ESCAPE.finditer(text):
        origin.extend(range(done, match.start()))
        read.append(text[done : match.start()])
        code = int(match[1] or match[2], 16)
        read.append(chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "?")
        origin.append(match.start())
        done = match.end()
    origin.extend(range(done, len(text) + 1))
    read.append(text[done:])
    furthest = _Furthest()
    token = _FURTHEST.set(furthest)
    try:
        _grammar(what).parse_string("".join(read), parse_all=True)
    except pyparsing.ParseBaseException:
        pass
    except RecursionError:  # the caller reports the parser's own place instead
        return None
    else:
        return None
    finally:
        _FURTHEST.reset(token)
    furthest.offset = origin[min(max(furthest.offset, 0), len(origin) - 1)]
    return furthest


def _fault(text: str, tokens: list[_Token], offset: int) -> int | None:
    """Return the index of the token at fault when the parser got no further than ``offset``.

    The parser may stop inside a token: after ``foo`` it wanted ``:`` to make ``foo:x``; but
    after a keyword, it wanted the next token.
    """
    for index, token in enumerate(tokens):
        end = token.start + len(token.value)
        if token.start == offset or (token.start < offset < end):
            return index
        if end == offset and token.kind == "word" and token.value.lower() not in _KEYWORDS:
            return index
        if token.start > offset:
            return index
    return None


def _bad_iri(text: str, furthest: _Furthest) -> SparqlSyntaxError | None:
    """Return the error of an IRI in ``<...>`` holding a character no IRI may hold, if any."""
    offset = furthest.offset
    if ">" not in furthest.expected or offset >= len(text):
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    opened = text.rfind("<", line_start, offset)
    if opened < 0 or not re.fullmatch(r"<[^<>\"{}|^`\\\x00-\x20]*", text[opened:offset]):
        return None
    char = text[offset]
    named = "a space" if char == " " else repr(char)
    closed = text.find(
        ">", offset, len(text) if "\n" not in text[offset:] else text.index("\n", offset)
    )
    if closed < 0:
        return _at(
            text, opened, f"the IRI {text[opened:offset]!r} is not closed by '>' before {named}"
        )
    return _at(
        text,
        opened,
        f"{text[opened : closed + 1]!r} is no IRI: it holds {named}, which an IRI may not; "
        f"write %{ord(char):02X} for it" + ("" if ord(char) < 0x80 else " in UTF-8 bytes"),
    )


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
    furthest = _furthest(text, what)
    if furthest is None:  # the copy parsed it, or ran too deep: keep the parser's own place
        furthest = _Furthest(_offset(text, lineno or 1, column or 1))
        index = _token_at(tokens, furthest.offset)
    else:
        index = _fault(text, tokens, furthest.offset)
    before = _previous_words(tokens[:index] if index is not None else tokens)
    if index is not None and (not before or before[-1] == "WHERE"):
        return _at(text, tokens[index].start, _expected(tokens, index, before, furthest, what))
    if (found := _brackets(text, tokens, what)) is not None:
        return found
    if (iri := _bad_iri(text, furthest)) is not None:
        return iri
    if index is None:
        last = tokens[-1]
        follow = _follow(tokens, len(tokens))
        return _at(
            text,
            last.start + len(last.value),
            f"{follow[0]}, at the end of the {what}{follow[1]}"
            if follow
            else f"the {what} ends too early",
        )
    if (short := _short_triple(text, tokens, index)) is not None:
        return short
    return _at(text, tokens[index].start, _expected(tokens, index, before, furthest, what))


_TERMS = ("var", "iri", "word", "string")
_MISSING = {1: "a predicate and an object", 2: "an object"}


def _short_triple(text: str, tokens: list[_Token], index: int) -> SparqlSyntaxError | None:
    """Return the error of a triple pattern that ends before its object, at its end."""
    if tokens[index].value not in ("}", "."):
        return None
    start = index
    while start > 0 and tokens[start - 1].kind in _TERMS:
        token = tokens[start - 1]
        if _bare(token) or token.value.lower() in _KEYWORDS - {"a"}:
            return None  # FILTER, OPTIONAL... or a word that is no term: no triple pattern
        start -= 1
    count = index - start
    if count not in _MISSING or start == 0 or tokens[start - 1].value not in ("{", "."):
        return None
    return _at(
        text,
        tokens[index].start,
        f"expected {_MISSING[count]} after {tokens[index - 1].value!r}: a triple pattern is a "
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


def _word(token: _Token) -> str:
    """Return ``token`` as the messages name it: a keyword upper-cased, anything else as written."""
    is_keyword = token.kind == "word" and token.value.lower() in _KEYWORDS - {"a"}
    return token.value.upper() if is_keyword else token.value


def _previous_words(tokens: list[_Token]) -> list[str]:
    """Return the tokens before the fault, keywords upper-cased, without the PREFIX and BASE."""
    words = [_word(t) for t in tokens]
    while words[:1] == ["BASE"] and len(words) >= 2:
        words = words[2:]
    while words[:1] == ["PREFIX"] and len(words) >= 3:
        words = words[3:]
    return words


#: what must follow a keyword or sign, in words, and an example
_AFTER_KEYWORD = {
    "ORDER": ("BY", ""),
    "GROUP": ("BY", ""),
    "LIMIT": ("a whole number", ", as in LIMIT 10"),
    "OFFSET": ("a whole number", ", as in OFFSET 10"),
    "AS": ("a variable", ""),
    "BASE": ("an IRI in <...>", ""),
    "PREFIX": ("a prefix name ending in ':'", ", as in PREFIX ex: <http://example.org/>"),
    "BIND": ("'('", ", as in BIND(?a + 1 AS ?b)"),
    "FILTER": ("a condition in brackets", ", as in FILTER(?a > 1)"),
    "HAVING": ("a condition in brackets", ", as in HAVING(COUNT(?a) > 1)"),
    "OPTIONAL": ("'{'", ""),
    "MINUS": ("'{'", ""),
    "UNION": ("'{'", ""),
    "EXISTS": ("'{'", ""),
    "VALUES": ("a variable, or variables in brackets", ""),
    "^^": ("a datatype IRI", ", such as xsd:integer"),
    ";": ("a predicate", ""),
    ",": ("an object", ""),
}
#: operators, after which an expression must follow
_OPERATORS = frozenset(("=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "&&", "||", "!"))


def _opened(tokens: list[_Token], index: int) -> int | None:
    """Return the index of the innermost bracket still open before ``tokens[index]``."""
    stack: list[int] = []
    for at, token in enumerate(tokens[:index]):
        if token.value in _CLOSER:
            stack.append(at)
        elif token.value in _OPENER and stack:
            stack.pop()
    return stack[-1] if stack else None


def _in_projection(tokens: list[_Token], opened: int) -> bool:
    """Whether the bracket at ``opened`` is an ``(expression AS ?var)`` of a SELECT clause."""
    for token in reversed(tokens[:opened]):
        word = _word(token)
        if word == "SELECT":
            return True
        if word in ("WHERE", "{", "}", "(", ")") and token.value != ")":
            return False
    return False


def _follow(tokens: list[_Token], index: int) -> tuple[str, str] | None:
    """Say what must follow the token before ``tokens[index]``, if the table knows, and a hint."""
    if index == 0:
        return None
    previous = tokens[index - 1]
    word = _word(previous)
    if index >= 2 and _word(tokens[index - 2]) == "PREFIX" and previous.value.endswith(":"):
        return f"expected an IRI in <...> after PREFIX {previous.value}", ""
    if word in _AFTER_KEYWORD:
        expected, hint = _AFTER_KEYWORD[word]
        return f"expected {expected} after {word if word.isalpha() else repr(word)}", hint
    if word in _OPERATORS:
        return f"expected an expression after {word!r}", ""
    opened = _opened(tokens, index)
    if word == "(":
        inside = "a variable" if index >= 2 and _word(tokens[index - 2]) == "VALUES" else None
        return f"expected {inside or 'an expression'} after '('", ""
    if opened is None or tokens[opened].value != "(" or word == "AS":
        return None
    if index < len(tokens) and _word(tokens[index]) == "AS":
        return None
    if _in_projection(tokens, opened):
        return "expected AS and a variable after the expression", ", as in (COUNT(?a) AS ?n)"
    if opened >= 1 and _word(tokens[opened - 1]) == "BIND":
        return "expected AS and a variable after the expression", ", as in BIND(?a + 1 AS ?b)"
    return None


def _expected(
    tokens: list[_Token], index: int, before: list[str], furthest: _Furthest, what: str
) -> str:
    """Say what was expected where ``tokens[index]`` stands, after the words ``before``."""
    token = tokens[index]
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
    if (follow := _follow(tokens, index)) is not None:
        return f"{follow[0]}, not {shown}{follow[1]}"
    if _bare(token):
        if near := _near(token.value.upper(), [k.upper() for k in _KEYWORDS if len(k) > 2]):
            return f"unexpected {shown}{near}"
        return (
            f"unexpected {shown}, which is no term: write ?{token.value} for a variable, "
            f'kg:{token.value} for a prefixed name or "{token.value}" for a string'
        )
    keywords = sorted(w for w in furthest.expected if w.isalpha())
    if len(furthest.expected) == 1 and keywords:
        return f"unexpected {shown} after {previous!r}: expected {keywords[0]}"
    return f"unexpected {shown} after {previous!r}"


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
