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


def tokens_with_offsets(norm: str, max_word: int) -> tuple[str, np.ndarray]:
    """The token string of ``norm`` and, per character offset 0…len, where its tokens start in it.

    ``out[offsets[i]:offsets[j]]`` is the token string of ``norm[i:j]`` (up to surrounding spaces)
    whenever no token spans offset i or j: sections of a body are sliced out instead of re-tokenised.
    """
    # surrogatepass: a lone surrogate (broken decoding upstream) is a separator, not an error.
    a = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(a)
    if not n:
        return "", np.zeros(1, dtype=np.int64)
    cjk = np.zeros(n, dtype=bool)
    for lo, hi in _CJK_RANGES:
        cjk |= (a >= lo) & (a <= hi)
    alpha = (a >= 0x61) & (a <= 0x7A)
    digit = (a >= 0x30) & (a <= 0x39)
    # Word runs: a new run starts wherever the class (other / letter / digit) changes.
    cls = alpha.view(np.int8) + 2 * digit.view(np.int8)
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(cls[1:], cls[:-1], out=starts[1:])
    index = np.arange(n)
    offset_in_run = index - np.maximum.accumulate(np.where(starts, index, 0))
    keep_word = (alpha | digit) & (offset_in_run < max_word)
    ends = np.empty(n, dtype=bool)
    ends[-1] = True
    ends[:-1] = starts[1:]
    word_end = keep_word & (ends | (offset_in_run == max_word - 1))
    # Three code points per input character: itself, the next one (CJK bigram), a space; 0 = nothing.
    out = np.zeros((n, 3), dtype=np.uint32)
    out[:, 0] = np.where(cjk | keep_word, a, 0)
    out[:-1, 1] = np.where(cjk[:-1] & cjk[1:], a[1:], 0)
    out[:, 2] = np.where(cjk | word_end, 0x20, 0)
    kept = out != 0
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(kept.sum(axis=1), out=offsets[1:])
    text = out[kept].tobytes().decode("utf-32-le")
    return text, offsets
