"""Text analysis shared by every engine: Chinese as per-character bigrams, Latin words and numbers whole.

Each CJK character of a run emits one token at its own position: the bigram it starts (``行政复议`` →
``行政 政复 复议``) and, for the run's last character, the character alone (``议``). So

- a two-character term is one term lookup wherever it occurs (复议 inside 行政复议);
- a run of characters is a phrase of consecutive bigrams, so ``政务服务`` (``政务 务服 服务``) never matches
  ``服务政务`` (which has no ``务服``);
- a single character is a prefix lookup: every occurrence of a character starts exactly one token.

Latin words and digit runs (``2021``, ``12345`` in ``12345号``) are one lower-cased token each. Text is
NFKC-normalised per character first (full-width ``２０２１`` is ``2021``) so character offsets survive for
snippets.

The same stream with a wider window, each CJK character starting the GRAM-gram from it (cut at its run's
end), has the same positions and tokens for everything else: tantivy indexes that one
(:func:`gram_string`, queried through :func:`gram_query`), Whoosh the bigrams (:func:`token_string`,
:func:`query_tokens`). Both are computed here, passed as space-separated strings, and answer the same
question, whether the text holds the run (docs/search.md "One stream").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from operator import add

from search import vectorized

# CJK unified ideographs (basic, extension A, compatibility) and the supplementary-plane extensions.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_UNIT = re.compile(rf"([{CJK}]+)|([a-z]+|[0-9]+)")
_CJK_ONLY = re.compile(rf"[{CJK}]+")
# Longer "words" are hashes, base64 or garbage: cut them so no term exceeds engine limits.
MAX_WORD = 40


# Characters whose NFKC form is a different token character (full-width digits and letters,
# compatibility ideographs, Kangxi radicals, circled and superscript numbers, Roman numerals). Text
# without any is only lower-cased: NFKC over a whole report costs more than tokenising it.
_FOLDS = re.compile("[\u00b2\u00b3\u00b9\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u2e80-\u2fdf"
                    "\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# One match per token, in order: at each CJK character the bigram it starts (or the character alone
# at the end of a run), at the start of each Latin word or digit run the whole of it (cut at MAX_WORD).
_TOKEN = re.compile(rf"(?=([{CJK}][{CJK}]?|(?<![a-z])[a-z]{{1,{MAX_WORD}}}|(?<![0-9])[0-9]{{1,{MAX_WORD}}}))")
# The same stream with longer CJK tokens: each character starts the GRAM-gram (cut at its run's end).
GRAM = 4
_GRAM_TOKEN = re.compile(rf"(?=([{CJK}]{{1,{GRAM}}}|(?<![a-z])[a-z]{{1,{MAX_WORD}}}|(?<![0-9])[0-9]{{1,{MAX_WORD}}}))")
_STREAMS = {2: _TOKEN, GRAM: _GRAM_TOKEN}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch


def normalize(text: str) -> str:
    """Lower-case and NFKC-fold token characters, keeping the length (offsets map 1:1 to the original).

    Only characters that fold into a different token character are folded (NFKC of a whole report
    costs more than tokenising it); punctuation stays as it is, it separates tokens either way.
    """
    folded = text
    # A report holds a few distinct foldable characters many times (full-width digits in its
    # tables): one C-level replace per distinct character beats a Python call per occurrence.
    for ch in set(_FOLDS.findall(text)):
        folded = folded.replace(ch, _fold_char(ch))
    lowered = folded.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)


def _run_tokens(run: str) -> list[str]:
    tokens = list(map(add, run, run[1:]))
    tokens.append(run[-1])
    return tokens


def tokens(text: str) -> list[str]:
    """The index token stream of ``text`` (one token per CJK character, one per Latin word or number)."""
    # The hot path of indexing: one regex scan in C, no Python work per token.
    return _TOKEN.findall(normalize(text))


def token_string(text: str) -> str:
    """``tokens(text)`` joined by spaces: what the engines' whitespace tokenizers index."""
    if vectorized.AVAILABLE and len(text) >= vectorized.MIN_LENGTH:
        return vectorized.token_string(normalize(text), MAX_WORD)
    return " ".join(tokens(text))


def gram_string(text: str) -> str:
    """The GRAM-gram token string of ``text``: position for position the stream of :func:`token_string`,
    but each CJK character starts the GRAM characters from it (fewer at the end of its run).

    Why: a long word is a phrase of 3–7 bigrams that each occur in nearly every report; as
    GRAM-grams it is 1–2 far rarer terms (docs/search.md "Long words"). tantivy indexes only this
    stream; a shorter run is a prefix there (:func:`gram_query`).
    """
    if vectorized.AVAILABLE and len(text) >= vectorized.MIN_LENGTH:
        return vectorized.gram_string(normalize(text), MAX_WORD, GRAM)
    return " ".join(_GRAM_TOKEN.findall(normalize(text)))


def stream_string(text: str, width: int) -> str:
    """:func:`token_string` (``width`` 2) or :func:`gram_string` (``width`` GRAM) of ``text``."""
    return token_string(text) if width == 2 else gram_string(text)


@dataclass(frozen=True)
class GramQuery:
    """What a query word or phrase becomes on a GRAM-gram stream (see :func:`gram_query`).

    ``terms``: (offset, token) pairs the document must hold exactly at those offsets from where the
    run starts. ``prefix``: (offset, characters) when the text ends in a CJK run shorter than GRAM:
    the document's token there is any token starting with those characters (its run may go on).
    """

    terms: tuple[tuple[int, str], ...]
    prefix: tuple[int, str] | None = None

    @property
    def empty(self) -> bool:
        return not self.terms and self.prefix is None


def gram_query(text: str, *, every: bool = False) -> GramQuery:
    """The tokens of the GRAM-gram stream that hold exactly when ``text`` occurs as a run.

    Terms are picked every GRAM characters so that together they cover every character (``every``:
    one at every character, consecutive offsets, for a grammar that cannot state gaps). A run
    followed by more of the query also takes its last character, whose cut token says the run ends;
    the query's trailing run takes only whole GRAM-grams (the document's run may go on after it) or,
    when shorter than GRAM, becomes the prefix.
    """
    units = [(m.group(1), m.group(2)) for m in _UNIT.finditer(normalize(text))]
    terms: list[tuple[int, str]] = []
    prefix = None
    pos = 0
    for i, (cjk, word) in enumerate(units):
        if word:
            terms.append((pos, word[:MAX_WORD]))
            pos += 1
            continue
        n = len(cjk)
        if i < len(units) - 1:
            starts = range(n) if every else sorted({*range(0, n, GRAM), n - 1})
        elif n < GRAM:
            prefix = (pos, cjk)
            break
        else:
            starts = range(n - GRAM + 1) if every else sorted({*range(0, n - GRAM + 1, GRAM), n - GRAM})
        terms.extend((pos + j, cjk[j: j + GRAM]) for j in starts)
        pos += n
    return GramQuery(tuple(terms), prefix)


@dataclass(frozen=True)
class QueryTokens:
    """What a query word or phrase becomes: consecutive tokens, the last one possibly a prefix.

    ``prefix`` is True when the text ends in a one-character CJK run: in the document that character
    may be followed by more characters, so the token there is any token starting with it.
    """

    tokens: tuple[str, ...]
    prefix: bool


def query_tokens(text: str) -> QueryTokens:
    """Tokens a document must hold, at consecutive positions, to contain ``text`` as a run."""
    units = [(m.group(1), m.group(2)) for m in _UNIT.finditer(normalize(text))]
    out: list[str] = []
    prefix = False
    for i, (cjk, word) in enumerate(units):
        last = i == len(units) - 1
        if word:
            out.append(word[:MAX_WORD])
        elif not last:
            # Followed by a word or number in the query: the document's run ends here too.
            out.extend(_run_tokens(cjk))
        elif len(cjk) == 1:
            out.append(cjk)
            prefix = True
        else:
            # Trailing run: the bigrams cover every character; the document may go on after it.
            out.extend(_run_tokens(cjk)[:-1])
    return QueryTokens(tuple(out), prefix)


def _breaks_at(norm: str, i: int) -> bool:
    """True when no token of normalised text ``norm`` spans offset ``i`` (a run or word cannot
    continue across it), so the text on either side tokenises on its own."""
    if i <= 0 or i >= len(norm):
        return True
    pair = _UNIT.match(norm, i - 1, i + 1)
    return pair is None or len(pair.group(0)) < 2


# A token no query produces, put between the pieces of a body: a phrase never runs across it.
SEPARATOR = "|"
_JOIN = f" {SEPARATOR} "


@dataclass(frozen=True)
class DocumentTokens:
    """Token strings of a document's body, cut at the edges of its sections.

    A section that is a slice of the body starting and ending where no token spans ("sliced") is a
    piece of it; so is each stretch of text before, between and after them. ``body`` is every piece
    in order and ``rest`` the pieces outside the sliced sections, both with :data:`SEPARATOR`
    between pieces: a phrase matches within one piece (a section and its neighbour are separate
    passages), and the body is exactly ``rest`` plus the sliced sections, which is what lets an
    engine index its text once (docs/search.md "Body = rest + sections"). ``loose`` holds the
    sections that are not slices (absent from the body, overlapping another, cut inside a run):
    searchable as sections, not part of the body.
    """

    body: str
    rest: str
    sections: dict[int, str]
    loose: dict[int, str]
    starts: dict[int, int] = field(default_factory=dict)  # where each section was found in the body (-1: not)


def document_token_strings(body: str, sections: dict[int, str]) -> tuple[str, dict[int, str]]:
    """Token strings of a body and of each of its sections, sliced or loose (see :func:`document_tokens`)."""
    t = document_tokens(body, sections)
    return t.body, {**t.sections, **t.loose}


def document_tokens(body: str, sections: dict[int, str], *, width: int = 2) -> DocumentTokens:
    """Token strings of a body cut into its pieces (see :class:`DocumentTokens`), tokenising each
    character once: the whole body in one (numpy) pass, each piece a slice of the result.

    ``width`` 2 gives the bigram stream (:func:`token_string`), GRAM the GRAM-gram stream (:func:`gram_string`).
    """
    norm = normalize(body)
    starts = {n: body.find(t) for n, t in sections.items() if t}
    cuts, loose = _cut(norm, sections, starts)
    edges = [0]
    for start, end, _ in cuts:
        edges += [start, end]
    edges.append(len(norm))
    # Pieces alternate: outside a section (even index), a sliced section (odd index).
    if vectorized.AVAILABLE and len(norm) >= vectorized.MIN_LENGTH:
        pieces = vectorized.stream(norm, MAX_WORD, width).slices(edges)
    else:
        pattern = _STREAMS[width]
        pieces = [" ".join(pattern.findall(norm, a, b)) for a, b in zip(edges, edges[1:], strict=False)]
    return DocumentTokens(
        body=_JOIN.join(p for p in pieces if p),
        rest=_JOIN.join(p for p in pieces[::2] if p),
        sections={number: pieces[2 * i + 1] for i, (_, _, number) in enumerate(cuts)},
        loose={number: stream_string(text, width) for number, text in loose.items()},
        starts=starts,
    )


def _cut(norm: str, sections: dict[int, str],
         starts: dict[int, int]) -> tuple[list[tuple[int, int, int]], dict[int, str]]:
    """(start, end, number) of the sections that are slices of the body (found at ``starts``) at
    token breaks of its normalised text ``norm``, in order and not overlapping, and the other
    sections by number."""
    cuts: list[tuple[int, int, int]] = []
    loose: dict[int, str] = {}
    pos = 0
    for start, number, text in sorted((starts[n], n, t) for n, t in sections.items() if t):
        end = start + len(text)
        if start >= pos and _breaks_at(norm, start) and _breaks_at(norm, end):
            cuts.append((start, end, number))
            pos = end
        else:
            loose[number] = text
    return cuts, loose


def has_cjk(text: str) -> bool:
    """True when ``text`` contains a CJK character."""
    return _CJK_ONLY.search(text) is not None


def needles(text: str) -> list[str]:
    """The normalised runs of ``text`` a snippet highlights (its CJK runs and words, in order)."""
    return [m.group(0) for m in _UNIT.finditer(normalize(text))]
