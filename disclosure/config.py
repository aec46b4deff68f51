"""Configuration: one TOML file (``disclosure.toml``), environment variables, and sensible defaults.

Precedence, lowest first: built-in defaults, the TOML file (``--config`` or ``DISCLOSURE_CONFIG``, else
``./disclosure.toml`` when present), environment variables (``DISCLOSURE_DATA_DIR``,
``DISCLOSURE_DATABASE_URL``, ``DISCLOSURE_SEARCH_ENGINE``), command-line options. ``disclosure config``
prints what is in force and where each value came from.

Every path in force is absolute (relative ones, wherever they were given, are taken from the working
directory of the command, once, here): a crawl's worker process runs elsewhere, and the WARC files, the
lock and the database of one archive must never end up in different directories.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from archive.inspection_rules import Thresholds
from crawler.profiles import politeness_problem


class ConfigError(Exception):
    """The configuration cannot be used (bad file, unknown key, wrong type)."""


@dataclass
class PolitenessConfig:
    """How hard a crawl may press one server."""

    concurrent_requests_per_host: int = 4
    concurrent_requests_per_ip: int = 4
    download_delay: float = 0.25
    autothrottle: bool = True
    autothrottle_target_concurrency: float = 2.0
    download_timeout: float = 30.0
    retry_times: int = 3
    max_download_size: int = 100 * 1024 * 1024
    obey_robots: bool = True


@dataclass
class Config:
    """Everything a command needs to find the archive and behave."""

    data_dir: Path = Path("data")
    database_url: str = ""
    warc_dir: Path = Path("")
    index_dir: Path = Path("")
    search_engine: str = "tantivy"
    # Searches count matches exactly up to this many, then say "N+" ([search] total_bound; 0: count all;
    # docs/search.md "Bounded totals").
    search_total_bound: int = 10_000
    portals: list[str] = field(default_factory=lambda: ["replica"])
    contact_url: str = "https://github.com/county-disclosure-archive"
    user_agent: str = ""
    log_file: Path = Path("")
    expected_interval_hours: float = 24 * 8
    # Re-check (conditionally) documents fetched longer ago than this; negative: the site profile's value.
    # Edits that keep a page's list entry unchanged are only found this way.
    revalidate_after_days: float = -1.0
    politeness: PolitenessConfig = field(default_factory=PolitenessConfig)
    # [inspection]: website-inspection periods and thresholds (national defaults; a province's stricter ones here)
    inspection: Thresholds = field(default_factory=Thresholds)
    config_file: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def jobs_dir(self) -> Path:
        """Where resumable crawl state (Scrapy JOBDIR) and locks live."""
        return self.data_dir / "jobs"

    def effective_user_agent(self) -> str:
        """The User-Agent: names the project and a contact URL."""
        return self.user_agent or f"county-disclosure-archive/0.1 (+{self.contact_url})"

    def as_dict(self) -> dict[str, Any]:
        """Flat view for printing: ``politeness.x`` keys for the nested table."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("sources", "politeness", "config_file", "inspection"):
                continue
            out[f.name] = getattr(self, f.name)
        for f in fields(self.politeness):
            out[f"politeness.{f.name}"] = getattr(self.politeness, f.name)
        for f in fields(self.inspection):
            out[f"inspection.{f.name}"] = getattr(self.inspection, f.name)
        return out


_ENV = {
    "DISCLOSURE_DATA_DIR": "data_dir",
    "DISCLOSURE_DATABASE_URL": "database_url",
    "DISCLOSURE_SEARCH_ENGINE": "search_engine",
    "DISCLOSURE_INDEX_DIR": "index_dir",
    "DISCLOSURE_WARC_DIR": "warc_dir",
}
_PATH_KEYS = {"data_dir", "warc_dir", "index_dir", "log_file"}


def _coerce(name: str, value: Any, expected: Any) -> Any:
    if name in _PATH_KEYS:
        return Path(str(value)).expanduser()
    if isinstance(expected, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false, not {value!r}")
        return value
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name} must be a number, not {value!r}")
        return type(expected)(value)
    if isinstance(expected, list):
        if not isinstance(value, list):
            raise ConfigError(f"{name} must be a list, not {value!r}")
        return [str(v) for v in value]
    return str(value)


def _apply(cfg: Config, values: dict[str, Any], source: str) -> None:
    known = {f.name for f in fields(Config)} - {"sources", "config_file"}
    for key, value in values.items():
        if key == "politeness":
            _apply_table(cfg, "politeness", cfg.politeness, value, source, _politeness_value_problem)
            continue
        if key == "inspection":
            _apply_table(cfg, "inspection", cfg.inspection, value, source, _inspection_value_problem)
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r} in {source}")
        setattr(cfg, key, _coerce(key, value, getattr(cfg, key)))
        cfg.sources[key] = source


def _apply_table(cfg: Config, name: str, target: Any, value: Any, source: str,
                 problem: Callable[[str, Any, Any], str | None]) -> None:
    """A nested table ([politeness], [inspection]) onto the dataclass ``target``: known keys only, each value
    coerced to the default's type and refused with ``problem(key, coerced, raw)``'s message."""
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table")
    known = {f.name for f in fields(target)}
    for key, raw in value.items():
        if key not in known:
            raise ConfigError(f"unknown setting {name}.{key} in {source}")
        coerced = _coerce(key, raw, getattr(target, key))
        if (message := problem(key, coerced, raw)) is not None:
            raise ConfigError(f"{name}.{message} in {source}")
        setattr(target, key, coerced)
        cfg.sources[f"{name}.{key}"] = source


def _politeness_value_problem(key: str, coerced: Any, raw: Any) -> str | None:
    return politeness_problem(key, coerced)


def _inspection_value_problem(key: str, coerced: Any, raw: Any) -> str | None:
    """Positive numbers only (a period or threshold of 0 would judge nothing); a share below 1."""
    if coerced <= 0 or (key == "unreachable_share" and coerced >= 1):
        return f"{key} must be {'between 0 and 1' if key == 'unreachable_share' else 'greater than 0'}, not {raw!r}"
    return None


def _flatten_toml(data: dict[str, Any]) -> dict[str, Any]:
    """Accept both flat keys and the documented tables ([storage], [search], [crawl], [politeness])."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("storage", "crawl", "run") and isinstance(value, dict):
            flat.update(value)
        elif key == "search" and isinstance(value, dict):
            for skey, svalue in value.items():
                flat[{"engine": "search_engine", "total_bound": "search_total_bound"}.get(skey, skey)] = svalue
        else:
            flat[key] = value
    return flat


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                environ: dict[str, str] | None = None) -> Config:
    """Build the configuration in force, recording where each value came from."""
    env = os.environ if environ is None else environ
    cfg = Config()
    for f in fields(Config):
        if f.name not in ("sources", "config_file"):
            cfg.sources[f.name] = "default"
    for f in fields(PolitenessConfig):
        cfg.sources[f"politeness.{f.name}"] = "default"
    for f in fields(Thresholds):
        cfg.sources[f"inspection.{f.name}"] = "default"

    chosen = path or env.get("DISCLOSURE_CONFIG")
    if chosen is None and Path("disclosure.toml").is_file():
        chosen = "disclosure.toml"
    if chosen is not None:
        p = Path(chosen).expanduser()
        if not p.is_file():
            raise ConfigError(f"configuration file not found: {p}")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {p}: {exc}") from exc
        _apply(cfg, _flatten_toml(data), f"file {p}")
        cfg.config_file = p
    env_values = {attr: env[var] for var, attr in _ENV.items() if env.get(var)}
    for attr, value in env_values.items():
        var = next(v for v, a in _ENV.items() if a == attr)
        _apply(cfg, {attr: value}, f"env {var}")
    if overrides:
        _apply(cfg, {k: v for k, v in overrides.items() if v is not None}, "command line")

    if cfg.search_engine not in ("tantivy", "whoosh"):
        raise ConfigError(f"search engine must be 'tantivy' or 'whoosh', not {cfg.search_engine!r}")
    if cfg.search_total_bound < 0:
        raise ConfigError(f"search total_bound must be 0 (count every match) or more, not {cfg.search_total_bound}")
    # Derived defaults: everything lives under the data directory unless said otherwise.
    cfg.data_dir = cfg.data_dir.resolve()
    if not cfg.database_url:
        cfg.database_url = f"sqlite:///{cfg.data_dir / 'archive.sqlite3'}"
        cfg.sources["database_url"] = "derived from data_dir"
    elif cfg.database_url.startswith("sqlite"):
        from archive.db import absolute_database_url  # sqlalchemy only when a SQLite URL was given

        cfg.database_url = absolute_database_url(cfg.database_url)
    if cfg.warc_dir == Path(""):
        cfg.warc_dir = cfg.data_dir / "warc"
        cfg.sources["warc_dir"] = "derived from data_dir"
    if cfg.index_dir == Path(""):
        cfg.index_dir = cfg.data_dir / "index"
        cfg.sources["index_dir"] = "derived from data_dir"
    if cfg.log_file == Path(""):
        cfg.log_file = cfg.data_dir / "logs" / "disclosure.log"
        cfg.sources["log_file"] = "derived from data_dir"
    cfg.warc_dir, cfg.index_dir, cfg.log_file = (p.resolve() for p in (cfg.warc_dir, cfg.index_dir, cfg.log_file))
    if cfg.config_file is not None:
        cfg.config_file = cfg.config_file.resolve()
    return cfg
