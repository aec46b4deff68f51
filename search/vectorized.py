"""The index token string computed with numpy array operations instead of a regex scan.

Same output as ``search.analysis`` 's regex (``tests/search/test_analysis_vectorized.py`` compares them
on the benchmark corpus and on edge cases): each CJK character gives the bigram it starts or, at the
end of its run, itself; each Latin word or digit run gives its first ``MAX_WORD`` characters. Why: the
regex tries a look-ahead at every character and costs ~0.5 ms per 2,000-character report, most of
the time of indexing; here the whole text is a few array passes (~0.1 ms). numpy is optional (the
pure-Python engines must install without compiled wheels): without it the regex is used.
"""

from __future__ import annotations

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
    return tokens_with_offsets(norm, max_word)[0].rstrip(" ")


def gram_string(norm: str, max_word: int, width: int) -> str:
    """Like :func:`token_string` but each CJK character starts a ``width``-gram (cut at its run's end).

    Position for position the same stream as the bigram one, so a query can be stated on either.
    """
    cls = _Classes.of(norm, max_word)
    return _emit(cls, width)[0].decode("utf-32-le").rstrip(" ") if cls else ""


def tokens_with_offsets(norm: str, max_word: int, gram_width: int = 0) -> tuple[str, np.ndarray, str]:
    """The token string of ``norm``, per character offset 0…len where its tokens start in it, and
    (when ``gram_width``) the ``gram_width``-gram string from the same character classes.

    ``out[offsets[i]:offsets[j]]`` is the token string of ``norm[i:j]`` (up to surrounding spaces)
    whenever no token spans offset i or j: sections of a body are sliced out instead of re-tokenised.
    """
    cls = _Classes.of(norm, max_word)
    if cls is None:
        return "", np.zeros(1, dtype=np.int64), ""
    text, per_char = _emit(cls, 2)
    offsets = np.zeros(len(cls.a) + 1, dtype=np.int64)
    np.cumsum(per_char, out=offsets[1:])
    grams = _emit(cls, gram_width)[0].decode("utf-32-le").rstrip(" ") if gram_width else ""
    return text.decode("utf-32-le"), offsets, grams


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
        cjk = np.zeros(n, dtype=bool)
        for lo, hi in _CJK_RANGES:
            cjk |= (a >= lo) & (a <= hi)
        alpha = (a >= 0x61) & (a <= 0x7A)
        digit = (a >= 0x30) & (a <= 0x39)
        # Word runs: a new run starts wherever the class (other / letter / digit) changes.
        kind = alpha.view(np.int8) + 2 * digit.view(np.int8)
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(kind[1:], kind[:-1], out=starts[1:])
        index = np.arange(n)
        offset_in_run = index - np.maximum.accumulate(np.where(starts, index, 0))
        self = cls()
        self.a, self.cjk = a, cjk
        self.keep_word = (alpha | digit) & (offset_in_run < max_word)
        ends = np.empty(n, dtype=bool)
        ends[-1] = True
        ends[:-1] = starts[1:]
        self.word_end = self.keep_word & (ends | (offset_in_run == max_word - 1))
        return self


def _emit(c: _Classes, width: int) -> tuple[bytes, np.ndarray]:
    """UTF-32 bytes of the token string with CJK ``width``-grams, and how many code points each
    input character contributed."""
    a, cjk, n = c.a, c.cjk, len(c.a)
    # width + 1 code points per input character: itself, the next ones while its CJK run goes on
    # (the n-gram it starts), a space; 0 = nothing.
    out = np.zeros((n, width + 1), dtype=np.uint32)
    out[:, 0] = np.where(cjk | c.keep_word, a, 0)
    run_on = cjk.copy()
    for k in range(1, width):
        run_on[:-k] &= cjk[k:]
        run_on[n - k:] = False
        out[:-k, k] = np.where(run_on[:-k], a[k:], 0)
    out[:, width] = np.where(cjk | c.word_end, 0x20, 0)
    kept = out != 0
    return out[kept].tobytes(), kept.sum(axis=1)
