"""Errors a person meets, each run as a real ``disclosure`` process: the documented exit code (README "Exit
codes": 1 failed, 2 usage, 6 configuration) and a clear message, never a traceback.

Every command that opens the archive database is run with an unusable database URL of each kind: a URL that is
not one (6), a driver that is not installed (6), a server that does not answer (1).
"""

from __future__ import annotations

import pytest

from disclosure.cli import main
from tests.run.helpers import run_cli

UNREACHABLE = "http://127.0.0.1:1"  # nothing listens on port 1

# Every command that opens the database, with the arguments it needs. Commands that never open it are listed
# apart, so a new command fails this file until it is placed.
DB_COMMANDS = {
    "checks": ["checks", "--year", "2021"],
    "crawl": ["crawl", "replica", "--base-url", UNREACHABLE],
    "db current": ["db", "current"],
    "db upgrade": ["db", "upgrade"],
    "evidence": ["evidence", "青山县教育局", "2021", "--out", "{tmp}/evidence"],
    "export": ["export", "--out", "{tmp}/export"],
    "figures": ["figures", "--key", "requests.new.total"],
    "index": ["index"],
    "inspect": ["inspect"],
    "ingest": ["ingest"],
    "reparse": ["reparse"],
    "run": ["run", "replica", "--base-url", UNREACHABLE],
    "serve": ["serve", "--port", "0"],
    "status": ["status"],
    "timeliness": ["timeliness", "--year", "2021"],
}
NO_DB = {"bench", "config", "demo", "parse", "profile", "profiles", "replica", "search"}  # (groups: every subcommand)

BAD_DATABASES = {
    "not a URL": ("not a database url", 6),
    "driver missing": ("mysql+mysqldb://archive@127.0.0.1/archive", 6),
    "server down": ("postgresql+psycopg://archive:secret@127.0.0.1:1/archive", 1),
}


def test_every_command_is_placed():
    names = {f"{n} {s}" for n, c in main.commands.items() if n not in NO_DB for s in getattr(c, "commands", {})}
    names |= {n for n, c in main.commands.items() if n not in NO_DB and not getattr(c, "commands", None)}
    assert names == set(DB_COMMANDS)
    assert NO_DB <= set(main.commands)


CASES = [pytest.param(args, {"DISCLOSURE_DATABASE_URL": url}, code, True,
                      id=f"{name}-{kind}")
         for name, args in DB_COMMANDS.items() for kind, (url, code) in BAD_DATABASES.items()]
CASES += [
    pytest.param(["crawl", "no-such-profile"], {}, 6, True, id="crawl-unknown-profile"),
    pytest.param(["crawl", "{tmp}/broken.toml"], {}, 6, True, id="crawl-broken-profile-file"),
    pytest.param(["crawl", "replica", "--base-url", "127.0.0.1:8765"], {}, 2, False, id="crawl-base-url-no-scheme"),
    pytest.param(["crawl", "replica"], {"config": "[politeness]\ndownload_delay = -1\n"}, 6, True,
                 id="negative-download-delay"),
    pytest.param(["status"], {"config": "[politeness]\nconcurrent_requests_per_host = 0\n"}, 6, True,
                 id="zero-concurrency"),
    pytest.param(["crawl", "replica", "--base-url", UNREACHABLE], {}, 1, False, id="crawl-unreachable-portal"),
]


@pytest.mark.parametrize(("args", "setup", "code", "one_line"), CASES)
def test_errors_exit_with_the_documented_code_and_no_traceback(tmp_path, args, setup, code, one_line):
    (tmp_path / "broken.toml").write_text("name = 'broken'\nbase_url = \n", encoding="utf-8")
    config = tmp_path / "disclosure.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n' + setup.get("config", "")
                      + ("" if "[politeness]" in setup.get("config", "") else "[politeness]\n")
                      + "retry_times = 0\ndownload_timeout = 5\n", encoding="utf-8")
    env = {k: v for k, v in setup.items() if k != "config"}
    result = run_cli(["--config", str(config), *(a.replace("{tmp}", str(tmp_path)) for a in args)], env=env,
                     timeout=120)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.code == code, (result.code, result.stdout[-1500:], result.stderr[-1500:])
    if one_line:  # (`run` adds where its JSON log is)
        assert len([ln for ln in result.stderr.strip().splitlines() if not ln.startswith("log: ")]) == 1, \
            result.stderr
    assert "secret" not in result.stderr + result.stdout  # a password in the URL is never printed
