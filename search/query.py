"""The one query language (Whoosh syntax), parsed once into an AST that each engine translates.

Syntax: words (``行政复议``, ``2021``), "quoted phrases" (also “curly quotes”), ``AND`` / ``OR`` / ``NOT`` /
``ANDNOT`` / ``ANDMAYBE`` (upper case; juxtaposition means AND), parentheses, ``field:value``,
``field:"phrase"``, ``field:(a OR b)``, ranges ``year:[2019 TO 2021]`` (``{…}`` excludes the bounds, either
bound may be left out, ``to`` in any case), boosts ``title:通知^2`` / ``(a OR b)^3``, wildcards on Latin words
and numbers (``202*``, ``te?t``) and ``*`` alone for every document. Fields: title, body, section1 … section6,
publisher, year, kind, portal, date.

Operators bind as in Whoosh's default ``QueryParser``: ``NOT`` tightest, then ``AND``, ``OR``, ``ANDNOT``,
``ANDMAYBE``; juxtaposition (implicit AND) loosest, so ``a b OR c`` is ``a AND (b OR c)``.

A Chinese word matches its exact run of characters, like a phrase; words separated by spaces must all
occur. What Whoosh would read differently and this language does not implement (proximity ``"…"~N``, fuzzy
``word~``, ``REQUIRE``, ``field:*``, wildcards on Chinese text) is refused, never reinterpreted. Anything
malformed raises :class:`QuerySyntaxError` with the offending position.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from search.analysis import query_tokens
from search.errors import QuerySyntaxError

TEXT_FIELDS = ("title", "body", "section1", "section2", "section3", "section4", "section5", "section6")
KEYWORD_FIELDS = ("kind", "portal")
FIELDS = TEXT_FIELDS + ("publisher", "year", "date") + KEYWORD_FIELDS
KINDS = ("annual_report", "notice", "document")


@dataclass(frozen=True)
class Text:
    """A word or phrase; ``field`` None means the default fields (title and body)."""

    text: str
    field: str | None
    phrase: bool
    pos: int


@dataclass(frozen=True)
class Range:
    """``field:[lo TO hi]`` on year or date; bounds are ints (years) or dates."""

    field: str
    lo: int | dt.date | None
    hi: int | dt.date | None
    incl_lo: bool
    incl_hi: bool
    pos: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    """Every document (an empty query, or ``*``)."""


@dataclass(frozen=True)
class Wildcard:
    """A Latin word or number pattern: ``*`` any run of characters, ``?`` one (``202*``, ``te?t``)."""

    pattern: str  # lower case
    field: str | None
    pos: int


@dataclass(frozen=True)
class AndMaybe:
    """``required ANDMAYBE optional``: the documents of ``required``; ``optional`` only adds to the score."""

    required: Node
    optional: Node


@dataclass(frozen=True)
class Boost:
    """``node^factor``: the same documents, the score multiplied by ``factor``."""

    child: Node
    factor: float


Node = Text | Range | And | Or | Not | MatchAll | Wildcard | AndMaybe | Boost

OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")

_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」"}
_SPECIAL = set('()"“”「」[]{}') | {"（", "）"}
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_BOOST = re.compile(r"\^(\d+(?:\.\d+)?|\.\d+)")
_WILD_WORD = re.compile(r"[A-Za-z0-9*?]+")


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT ANDNOT ANDMAYBE RANGE BOOST
    value: str
    pos: int
    end: int = 0


def _suffixes(q: str, i: int, toks: list[_Tok], *, phrase: bool = False) -> int:
    """A ``^factor`` boost (and, refused, a ``~N`` proximity) right after a term, phrase or ``)``."""
    if i < len(q) and q[i] == "~":
        if phrase:
            raise QuerySyntaxError("proximity search (\"…\"~N) is not supported: search the words with AND", q, i)
        raise QuerySyntaxError("fuzzy search (word~) is not supported", q, i)
    if i < len(q) and q[i] == "^":
        m = _BOOST.match(q, i)
        if not m:
            raise QuerySyntaxError("a boost is ^ and a number (title:通知^2)", q, i)
        toks.append(_Tok("BOOST", m.group(1), i))
        return m.end()
    return i


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch in "(（":
            toks.append(_Tok("LPAREN", ch, i))
            i += 1
        elif ch in ")）":
            toks.append(_Tok("RPAREN", ch, i))
            i = _suffixes(q, i + 1, toks)
        elif ch in _OPEN_QUOTES:
            close = q.find(_OPEN_QUOTES[ch], i + 1)
            if ch == '"' or close < 0:
                close = q.find('"' if ch == '"' else _OPEN_QUOTES[ch], i + 1)
            if close < 0:
                raise QuerySyntaxError("unclosed quotation mark", q, i)
            toks.append(_Tok("PHRASE", q[i + 1 : close], i))
            i = _suffixes(q, close + 1, toks, phrase=True)
        elif ch in "[{":
            close_ch = "]" if ch == "[" else "}"
            close = min((c for c in (q.find("]", i), q.find("}", i)) if c >= 0), default=-1)
            if close < 0:
                raise QuerySyntaxError(f"unclosed range: expected {close_ch!r}", q, i)
            toks.append(_Tok("RANGE", q[i : close + 1], i))
            i = _suffixes(q, close + 1, toks)
        elif ch in "]}" or ch in "”」":
            raise QuerySyntaxError(f"unexpected {ch!r}", q, i)
        else:
            m = _FIELD.match(q, i)
            if m:
                toks.append(_Tok("FIELD", m.group(1), i))
                i = m.end()
                continue
            j = i
            while j < n and not q[j].isspace() and q[j] not in _SPECIAL and q[j] not in "^~":
                j += 1
            word = q[i:j]
            if not word:
                raise QuerySyntaxError(f"expected a term before {ch!r}", q, i)
            if word == "REQUIRE":
                raise QuerySyntaxError("REQUIRE is not supported: use AND", q, i)
            kind = word if word in OPERATORS else "WORD"
            toks.append(_Tok(kind, word, i))
            i = _suffixes(q, j, toks) if kind == "WORD" else j
    return toks


class _Parser:
    def __init__(self, q: str):
        self.q = q
        self.toks = _lex(q)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, message: str, pos: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.q, len(self.q) if pos is None else pos)

    def parse(self) -> Node:
        if not self.toks:
            return MatchAll()
        node = self.parse_group(None)
        tok = self.peek()
        if tok is not None:
            raise self.error("unmatched ')'" if tok.kind == "RPAREN" else f"unexpected {tok.value!r}", tok.pos)
        return node

    # Precedence as in Whoosh's default QueryParser (tightest first): NOT, AND, OR, ANDNOT, ANDMAYBE,
    # then juxtaposition: ``a b OR c`` is ``a AND (b OR c)``.
    def parse_group(self, field: str | None) -> Node:
        children = [self.parse_andmaybe(field, None)]
        while (tok := self.peek()) is not None and tok.kind != "RPAREN":
            children.append(self.parse_andmaybe(field, None))
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_andmaybe(self, field: str | None, after: _Tok | None) -> Node:
        node = self.parse_andnot(field, after)
        while (tok := self.peek()) is not None and tok.kind == "ANDMAYBE":
            self.take()
            node = AndMaybe(node, self.parse_andnot(field, tok))
        return node

    def parse_andnot(self, field: str | None, after: _Tok | None) -> Node:
        node = self.parse_or(field, after)
        while (tok := self.peek()) is not None and tok.kind == "ANDNOT":
            self.take()
            node = And((node, Not(self.parse_or(field, tok))))
        return node

    def parse_or(self, field: str | None, after: _Tok | None) -> Node:
        children = [self.parse_and(field, after)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            children.append(self.parse_and(field, tok))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, field: str | None, after: _Tok | None) -> Node:
        children = [self.parse_not(field, after)]
        while (tok := self.peek()) is not None and tok.kind == "AND":
            self.take()
            children.append(self.parse_not(field, tok))
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self, field: str | None, after: _Tok | None) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "NOT":
            self.take()
            return Not(self.parse_primary(field, tok))
        return self.parse_primary(field, after)

    def parse_primary(self, field: str | None, after: _Tok | None) -> Node:
        node = self.parse_atom(field, after)
        tok = self.peek()
        if tok is not None and tok.kind == "BOOST":
            self.take()
            node = Boost(node, float(tok.value))
        return node

    def parse_atom(self, field: str | None, after: _Tok | None) -> Node:
        tok = self.peek()
        if tok is None:
            if after is not None:
                raise self.error(f"expected a term after {after.value}", after.pos)
            raise self.error("expected a term")
        if tok.kind in OPERATORS or tok.kind in ("RPAREN", "BOOST"):
            what = f"after {after.value}" if after is not None else "here"
            raise self.error(f"expected a term {what}, found {tok.value!r}", tok.pos)
        self.take()
        if tok.kind == "LPAREN":
            node = self.parse_group(field)
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise self.error("unclosed '('", tok.pos)
            self.take()
            return node
        if tok.kind == "FIELD":
            if field is not None:
                raise self.error("a field inside a field group", tok.pos)
            name = tok.value.lower()
            if name not in FIELDS:
                raise self.error(f"unknown field {tok.value!r} (known: {', '.join(FIELDS)})", tok.pos)
            nxt = self.peek()
            if nxt is None or nxt.kind in (*OPERATORS, "RPAREN", "BOOST") or nxt.pos != tok.pos + len(tok.value) + 1:
                raise self.error(f"expected a value after {tok.value}:", tok.pos + len(tok.value) + 1)
            return self.parse_atom(name, None)
        if tok.kind == "RANGE":
            if field not in ("year", "date"):
                raise self.error("a range needs year: or date: before it", tok.pos)
            return _range(self, field, tok)
        return _text(self, field, tok)


def _text(p: _Parser, field: str | None, tok: _Tok) -> Node:
    text = tok.value
    if tok.kind == "WORD" and ("*" in text or "?" in text):
        return _wildcard(p, field, tok)
    if field == "year":
        if not re.fullmatch(r"\d{4}", text.strip()):
            raise p.error(f"year must be four digits, not {text!r}", tok.pos)
        year = int(text)
        return Range("year", year, year, True, True, tok.pos)
    if field == "date":
        day = _parse_date(p, text, tok.pos)
        return Range("date", day, day, True, True, tok.pos)
    if field == "kind" and text not in KINDS:
        raise p.error(f"kind must be one of {', '.join(KINDS)}, not {text!r}", tok.pos)
    if field in KEYWORD_FIELDS:
        return Text(text, field, False, tok.pos)
    if not query_tokens(text).tokens:
        raise p.error(f"{text!r} has nothing searchable (no Chinese characters, letters or digits)", tok.pos)
    return Text(text, field, tok.kind == "PHRASE", tok.pos)


def _wildcard(p: _Parser, field: str | None, tok: _Tok) -> Node:
    """``*`` alone is every document; otherwise a pattern on one Latin word or number of a text field."""
    text = tok.value
    if text == "*":
        if field is not None:
            raise p.error(f"{field}:* is not supported (* alone matches every document)", tok.pos)
        return MatchAll()
    if field is not None and field not in TEXT_FIELDS:
        raise p.error(f"wildcards apply to text fields ({', '.join(TEXT_FIELDS)}), not {field}:", tok.pos)
    if not _WILD_WORD.fullmatch(text):
        raise p.error(f"wildcards apply to Latin words and numbers only, not {text!r} (a Chinese word already "
                      "matches inside longer words: 复议 finds 行政复议)", tok.pos)
    if not re.search(r"[A-Za-z0-9]", text):
        raise p.error(f"{text!r} has nothing but wildcards", tok.pos)
    if re.search(r"[A-Za-z][0-9]|[0-9][A-Za-z]", text):
        # The analysis splits letters from digits (abc123 is two words): a pattern across them matches nothing.
        raise p.error(f"a wildcard pattern is one word or one number, not {text!r}", tok.pos)
    return Wildcard(text.lower(), field, tok.pos)


def _parse_date(p: _Parser, text: str, pos: int) -> dt.date:
    m = _DATE.match(text.strip())
    try:
        if not m:
            raise ValueError
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise p.error(f"not a date: {text!r} (use YYYY-MM-DD)", pos) from None


def _range(p: _Parser, field: str, tok: _Tok) -> Range:
    body = tok.value[1:-1].strip()
    incl_lo, incl_hi = tok.value[0] == "[", tok.value[-1] == "]"
    parts = re.split(r"\s+TO\s+|^TO\s+|\s+TO$|^TO$", body, flags=re.IGNORECASE)
    if len(parts) != 2:
        raise p.error("a range is written [low TO high]", tok.pos)
    bounds: list[int | dt.date | None] = []
    for part in parts:
        part = part.strip()
        if not part:
            bounds.append(None)
        elif field == "year":
            if not re.fullmatch(r"\d{4}", part):
                raise p.error(f"year must be four digits, not {part!r}", tok.pos)
            bounds.append(int(part))
        else:
            bounds.append(_parse_date(p, part, tok.pos))
    if bounds[0] is None and bounds[1] is None:
        raise p.error("a range needs at least one bound", tok.pos)
    return Range(field, bounds[0], bounds[1], incl_lo, incl_hi, tok.pos)


def parse_query(text: str) -> Node:
    """Parse ``text`` into the query AST; raises :class:`QuerySyntaxError` when it is malformed."""
    if len(text) > 2000:
        raise QuerySyntaxError("query longer than 2000 characters", text[:40] + "…", 40)
    return _Parser(text).parse()


def positive_texts(node: Node) -> list[Text]:
    """The Text nodes a match may contain (not under NOT): what snippets highlight."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, And | Or):
        return [t for child in node.children for t in positive_texts(child)]
    if isinstance(node, AndMaybe):
        return positive_texts(node.required) + positive_texts(node.optional)
    if isinstance(node, Boost):
        return positive_texts(node.child)
    return []
