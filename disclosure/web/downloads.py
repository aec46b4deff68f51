"""Files the browser downloads that the command line writes to a directory: the evidence package as a zip."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from archive.db import Database
from archive.evidence import write_evidence
from archive.rawstore import RawStore


def evidence_archive(db: Database, rawstore: RawStore, unit: str, year: int) -> bytes:
    """The package of `disclosure evidence UNIT YEAR` (WARC records, statement, JSON) zipped in memory.

    One unit and year only: a handful of captures, so the zip stays small.
    """
    with tempfile.TemporaryDirectory(prefix="evidence-") as tmp:
        out = Path(tmp) / "evidence"
        write_evidence(db, rawstore, unit, year, out)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(out).as_posix())
        return buffer.getvalue()
