import stat

from webapp import config


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load_secret_key(tmp_path)
    assert len(first) >= 40
    assert config.load_secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.load_secret_key(tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url(tmp_path) == f"sqlite:///{tmp_path / 'shouwang.db'}"


def test_postgres_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert config.database_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config.database_url() == "postgresql+psycopg://u@h/db"


def test_cookies_are_secure_unless_debug_or_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    for name in ("FLASK_DEBUG", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    assert config.Config().SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert config.Config().SESSION_COOKIE_SECURE is False
    monkeypatch.delenv("FLASK_DEBUG")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    cfg = config.Config()
    assert cfg.SESSION_COOKIE_SECURE is False and cfg.SESSION_COOKIE_HTTPONLY is True
    assert cfg.SESSION_COOKIE_SAMESITE == "Lax"


def test_rate_limits_use_redis_when_configured(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert config.Config().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
