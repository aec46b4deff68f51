#!/usr/bin/env bash
# Regenerate the initial migration from archive/models.py. Used only while the schema is being
# built out (before the first release); after it, every change is a new migration on top.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
tmp=$(mktemp -d)
rm -f archive/migrations/versions/0001_initial.py
$PY - "$tmp" <<'PYEOF'
import sys
from alembic import command
from archive.db import alembic_config, sqlite_url
cfg = alembic_config(sqlite_url(sys.argv[1] + "/empty.sqlite3"))
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001_initial")
PYEOF
f=$(ls archive/migrations/versions/0001_initial*.py)
[ "$f" = archive/migrations/versions/0001_initial.py ] || mv "$f" archive/migrations/versions/0001_initial.py
rm -rf "$tmp"
echo "regenerated archive/migrations/versions/0001_initial.py"
