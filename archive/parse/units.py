"""Unit names: normalisation, alias generation and matching (青山县民族宗教事务局 ↔ 县民宗局 ↔ 民宗局).

The implementation lives in :mod:`archive.unitmatch` (written with the ingest, which stores the aliases);
this module is the parser package's view of it, so parser code and tests use one vocabulary.
"""

from __future__ import annotations

from archive.unitmatch import (
    UnitMatcher,
    UnitName,
    generate_aliases,
    guess_unit_kind,
    normalise_name,
    split_county,
)

__all__ = ["UnitMatcher", "UnitName", "generate_aliases", "guess_unit_kind", "normalise_name", "split_county"]
