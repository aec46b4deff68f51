"""Text analysis shared by every engine: Chinese as per-character bigrams, Latin words and numbers whole.

Each CJK character of a run emits one token at its own position: the bigram it starts (``行政复议`` →
``行政 政复 复议``) and, for the run's last character, the character alone (``议``). So

- a two-character term is one term lookup wherever it occurs (复议 inside 行政复议);
- a run of characters is a phrase of consecutive bigrams, so ``政务服务`` (``政务 务服 服务``) never matches
  ``服务政务`` (which has no ``务服``);
- a single character is a prefix lookup: every occurrence of a character starts exactly one token.

Latin words and digit runs (``2021``, ``12345`` in ``12345号``) are one lower-cased token each. Text is
NFKC-normalised per character first (full-width ``２０２１`` is ``2021``) so character offsets survive for
snippets. Both engines index the same token stream, passed as a space-separated string, so they cannot
disagree about what a document contains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import add

# CJK unified ideographs (basic, extension A, compatibility) and the supplementary-plane extensions.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_UNIT = re.compile(rf"([{CJK}]+)|([a-z]+|[0-9]+)")
_CJK_ONLY = re.compile(rf"[{CJK}]+")
# Longer "words" are hashes, base64 or garbage: cut them so no term exceeds engine limits.
MAX_WORD = 40


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch


def normalize(text: str) -> str:
    """Lower-case and NFKC-fold each character, keeping the length (offsets map 1:1 to the original)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) == len(text):
        # The common case (full-width digits and punctuation fold one to one): one C call.
        return folded
    return "".join(_fold_char(ch) for ch in text)


def _run_tokens(run: str) -> list[str]:
    tokens = list(map(add, run, run[1:]))
    tokens.append(run[-1])
    return tokens


def tokens(text: str) -> list[str]:
    """The index token stream of ``text`` (one token per CJK character, one per Latin word or number)."""
    out: list[str] = []
    extend, append = out.extend, out.append
    # Hot path of indexing: findall and map(add) keep the per-run work in C.
    for cjk, word in _UNIT.findall(normalize(text)):
        if cjk:
            extend(map(add, cjk, cjk[1:]))
            append(cjk[-1])
        else:
            append(word[:MAX_WORD])
    return out


def token_string(text: str) -> str:
    """``tokens(text)`` joined by spaces: what the engines' whitespace tokenizers index."""
    return " ".join(tokens(text))


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


def has_cjk(text: str) -> bool:
    """True when ``text`` contains a CJK character."""
    return _CJK_ONLY.search(text) is not None


def needles(text: str) -> list[str]:
    """The normalised runs of ``text`` a snippet highlights (its CJK runs and words, in order)."""
    return [m.group(0) for m in _UNIT.finditer(normalize(text))]
