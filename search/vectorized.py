"""The index token string computed with numpy array operations instead of a regex scan.

Same output as ``search.analysis`` 's regex (``tests/search/test_analysis_vectorized.py`` compares them
on the benchmark corpus and on edge cases): each CJK character gives the bigram it starts or, at the
end of its run, itself; each Latin word or digit run gives its first ``MAX_WORD`` characters. Why: the
regex tries a look-ahead at every character and costs ~0.5 ms per 2,000-character report, most of
the time of indexing; here the whole text is a few array passes (~0.1 ms). numpy is optional (the
pure-Python engines must install without compiled wheels): without it the regex is used.
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    import numpy as np
except ImportError:  # pragma: no cover - exercised only where numpy is absent
    np = None

AVAILABLE = np is not None
# Below this length the array set-up costs more than the regex scan.
MIN_LENGTH = 160
# Code point ranges of search.analysis.CJK, inclusive.
_CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def token_string(norm: str, max_word: int) -> str:
    """Space-separated index tokens of already normalised text ``norm`` (see search.analysis)."""
    return stream(norm, max_word, 2).text.rstrip(" ")


def gram_string(norm: str, max_word: int, width: int) -> str:
    """Like :func:`token_string` but each CJK character starts a ``width``-gram (cut at its run's end).

    Position for position the same stream as the bigram one (which is its ``width`` 2).
    """
    return stream(norm, max_word, width).text.rstrip(" ")


@dataclass(frozen=True)
class Stream:
    """A token string and, per input character, which code points of it that character gave.

    ``stream.slices(edges)`` are the token strings of ``norm[edges[0]:edges[1]]``,
    ``norm[edges[1]:edges[2]]``, … whenever no token spans an edge: the pieces of a body (its
    sections, the text between them) are cut out instead of re-tokenised.
    """

    text: str
    kept: np.ndarray  # one row per character of the text tokenised, True where a code point was written

    def slices(self, edges: list[int]) -> list[str]:
        # Where each edge falls in the string: the code points written before it, counted per
        # stretch between edges (one pass over the rows, not a running sum over every character).
        at = [int(np.count_nonzero(self.kept[: edges[0]]))]
        for start, end in zip(edges, edges[1:], strict=False):
            at.append(at[-1] + int(np.count_nonzero(self.kept[start:end])))
        return [self.text[i:j].strip(" ") for i, j in zip(at, at[1:], strict=False)]


def stream(norm: str, max_word: int, width: int) -> Stream:
    """The ``width``-gram stream of already normalised text ``norm`` (``width`` 2: the bigram stream)."""
    c = _Classes.of(norm, max_word)
    if c is None:
        return Stream("", np.zeros((0, width + 1), dtype=bool))
    out = _matrix(c, width)
    kept = out != 0
    return Stream(out[kept].tobytes().decode("utf-32-le"), kept)


def _class_table() -> np.ndarray | None:
    """Class of each Basic Multilingual Plane code point: 0 other, 1 letter, 2 digit, 3 CJK."""
    if np is None:
        return None
    table = np.zeros(0x10000, dtype=np.uint8)
    table[0x61:0x7B] = _LETTER
    table[0x30:0x3A] = _DIGIT
    for lo, hi in _CJK_RANGES:
        table[lo: min(hi, 0xFFFF) + 1] = _CJK
    return table


_LETTER, _DIGIT, _CJK = 1, 2, 3
_CLASS = _class_table()


class _Classes:
    """Per character of a text: its code point, whether it is CJK, kept in a word, ends a word."""

    __slots__ = ("a", "cjk", "keep_word", "word_end")

    @classmethod
    def of(cls, norm: str, max_word: int) -> _Classes | None:
        # surrogatepass: a lone surrogate (broken decoding upstream) is a separator, not an error.
        a = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        n = len(a)
        if not n:
            return None
        # One table lookup classifies the text; code points beyond the BMP look up 0xFFFF (other)
        # and only the supplementary CJK extensions are then set by range.
        kind = _CLASS.take(np.minimum(a, 0xFFFF))
        if a.max() > 0xFFFF:
            for lo, hi in _CJK_RANGES:
                if hi > 0xFFFF:
                    kind[(a >= lo) & (a <= hi)] = _CJK
        cjk = kind == _CJK
        word = (kind == _LETTER) | (kind == _DIGIT)
        # Word runs: a new run starts wherever the class changes.
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(kind[1:], kind[:-1], out=starts[1:])
        ends = np.empty(n, dtype=bool)
        ends[-1] = True
        ends[:-1] = starts[1:]
        self = cls()
        self.a, self.cjk = a, cjk
        run_starts = np.flatnonzero(starts)
        if not (word[run_starts] & (np.diff(run_starts, append=n) >= max_word)).any():
            # No word reaches the cut (nearly every text): no offsets within runs needed.
            self.keep_word = word
            self.word_end = word & ends
            return self
        index = np.arange(n)
        offset_in_run = index - np.maximum.accumulate(np.where(starts, index, 0))
        self.keep_word = word & (offset_in_run < max_word)
        self.word_end = self.keep_word & (ends | (offset_in_run == max_word - 1))
        return self


def _matrix(c: _Classes, width: int) -> np.ndarray:
    """width + 1 code points per input character: itself, the next ones while its CJK run goes on
    (the n-gram it starts), a space; 0 = nothing. Each column is written in place into the row-major
    matrix, the order the token string reads them in (no transposed copy: ~0.02 ms a report less)."""
    a, cjk, n = c.a, c.cjk, len(c.a)
    out = np.zeros((n, width + 1), dtype=np.uint32)
    np.multiply(a, cjk | c.keep_word, out=out[:, 0])
    run_on = cjk.copy()
    for k in range(1, width):
        run_on[:-k] &= cjk[k:]
        run_on[n - k:] = False
        np.multiply(a[k:], run_on[:-k], out=out[:-k, k])
    np.multiply(cjk | c.word_end, np.uint32(0x20), out=out[:, width])
    return out
