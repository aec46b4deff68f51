"""Configuration precedence and provenance."""

import pytest

from disclosure.config import ConfigError, load_config


def test_defaults_need_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(environ={})
    assert cfg.search_engine == "tantivy"
    assert cfg.database_url.endswith("data/archive.sqlite3")
    assert cfg.sources["search_engine"] == "default"


def test_file_env_and_overrides(tmp_path):
    f = tmp_path / "d.toml"
    f.write_text('data_dir = "/x"\n[search]\nengine = "whoosh"\n[politeness]\ndownload_delay = 2\n', encoding="utf-8")
    cfg = load_config(f, environ={"DISCLOSURE_DATA_DIR": "/y"})
    assert str(cfg.data_dir) == "/y" and cfg.sources["data_dir"] == "env DISCLOSURE_DATA_DIR"
    assert cfg.search_engine == "whoosh" and cfg.sources["search_engine"].startswith("file")
    assert cfg.politeness.download_delay == 2.0


def test_search_total_bound_from_the_search_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "d.toml"
    f.write_text('[search]\ntotal_bound = 500\n', encoding="utf-8")
    assert load_config(f, environ={}).search_total_bound == 500
    assert load_config(environ={}, overrides={"data_dir": tmp_path}).search_total_bound == 10_000


@pytest.mark.parametrize("text", ['nonsense = 1\n', '[search]\nengine = "lucene"\n', 'portals = "x"\n',
                                  '[search]\ntotal_bound = -1\n', '[search]\ntotal_bound = "many"\n',
                                  '[politeness]\ndownload_delay = "fast"\n', 'data_dir = \n'])
def test_bad_files_are_clear_errors(tmp_path, text):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(f, environ={})
