"""Settings: typed, validated, and never echoing a secret."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.redaction import SECRETS

SECRET = "987654321:super-secret-token-value-0123456789"


def test_defaults_work_on_one_machine() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///samen.db"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.default_locale == "nl"
    assert settings.default_time_zone == "Europe/Amsterdam"
    assert settings.coordinator_ids == []


def test_plain_database_schemes_get_the_async_drivers() -> None:
    assert load_settings(_env_file=None, DATABASE_URL="sqlite:///x.db").database_url == (
        "sqlite+aiosqlite:///x.db"
    )
    pg = load_settings(_env_file=None, DATABASE_URL="postgresql://u:pw@db/samen")
    assert pg.database_url == "postgresql+asyncpg://u:pw@db/samen"
    assert "pw" not in pg.safe_database_url()


def test_coordinator_ids_are_read_from_a_comma_separated_list(monkeypatch) -> None:
    monkeypatch.setenv("SAMEN_COORDINATOR_IDS", "111, 222")
    assert load_settings(_env_file=None).coordinator_ids == [111, 222]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/samen", "DATABASE_URL: unsupported scheme"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("TELEGRAM_API_URL", "ftp://example", "TELEGRAM_API_URL"),
        ("SAMEN_DEFAULT_TIME_ZONE", "Europe/Atlantis", "SAMEN_DEFAULT_TIME_ZONE"),
        ("SAMEN_DEFAULT_LOCALE", "Dutch", "SAMEN_DEFAULT_LOCALE"),
        ("SAMEN_COORDINATOR_IDS", "@someone", "SAMEN_COORDINATOR_IDS"),
        ("SAMEN_OUTBOX_RATE", "0", "SAMEN_OUTBOX_RATE"),
        ("SAMEN_OUTBOX_RATE", "fast", "SAMEN_OUTBOX_RATE"),
        ("SAMEN_OUTBOX_MAX_ATTEMPTS", "0", "SAMEN_OUTBOX_MAX_ATTEMPTS"),
        ("SAMEN_INSTANCE_ID", "two words", "SAMEN_INSTANCE_ID"),
    ],
)
def test_an_invalid_setting_names_the_variable(monkeypatch, variable, value, expected) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None)
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_a_malformed_token_is_refused_without_echoing_it(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token " + SECRET)
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None)
    assert "TELEGRAM_BOT_TOKEN" in str(error.value)
    assert SECRET not in str(error.value)
    assert "super-secret" not in repr(error.value)


def test_the_token_is_never_in_the_settings_repr(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", SECRET)
    settings = load_settings(_env_file=None)
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())
    assert settings.require_token() == SECRET


def test_a_missing_token_is_one_clear_line() -> None:
    settings = load_settings(_env_file=None)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        settings.require_token()


def test_settings_are_read_from_a_dotenv_file(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={SECRET}\nSAMEN_DEFAULT_LOCALE=ar\n")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.require_token() == SECRET
    assert settings.default_locale == "ar"


def test_bot_username_and_default_community(monkeypatch) -> None:
    assert load_settings(_env_file=None).bot_username is None
    assert load_settings(_env_file=None).default_community is None
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "@samen_utrecht_bot")
    monkeypatch.setenv("SAMEN_DEFAULT_COMMUNITY", "buurt-oost-4f9k")
    settings = load_settings(_env_file=None)
    assert settings.bot_username == "samen_utrecht_bot"
    assert settings.default_community == "buurt-oost-4f9k"
    monkeypatch.setenv("SAMEN_DEFAULT_COMMUNITY", "")
    assert load_settings(_env_file=None).default_community is None
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "not a name")
    with pytest.raises(ConfigError, match="SAMEN_BOT_USERNAME"):
        load_settings(_env_file=None)
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "samen_bot")
    monkeypatch.setenv("SAMEN_DEFAULT_COMMUNITY", "oost west")
    with pytest.raises(ConfigError, match="SAMEN_DEFAULT_COMMUNITY"):
        load_settings(_env_file=None)


def test_outbox_defaults_follow_telegrams_limits() -> None:
    settings = load_settings(_env_file=None)
    assert (settings.outbox_rate, settings.outbox_chat_rate) == (30.0, 1.0)
    assert settings.outbox_max_attempts == 3
    assert settings.instance_name("run").endswith(":run")
    named = load_settings(_env_file=None, SAMEN_INSTANCE_ID="bot-2")
    assert named.instance_name("run") == "bot-2"


def test_the_export_secret_is_optional_long_and_never_echoed(monkeypatch) -> None:
    monkeypatch.setenv("SAMEN_EXPORT_SECRET", "")
    assert load_settings(_env_file=None).export_secret is None
    monkeypatch.setenv("SAMEN_EXPORT_SECRET", "short-secret")
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None)
    assert "SAMEN_EXPORT_SECRET: must be at least 16 characters" in str(error.value)
    assert "short-secret" not in str(error.value)
    monkeypatch.setenv("SAMEN_EXPORT_SECRET", "a-long-random-export-secret")
    settings = load_settings(_env_file=None)
    assert settings.export_secret is not None
    assert "a-long-random" not in repr(settings)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite://samen.db", "three slashes before a relative path (sqlite:///samen.db)"),
        ("sqlite://", "three slashes"),
        ("samen.db", "use sqlite:///samen.db or postgresql://"),
        ("postgresql://samen:pw@db", "name the database at the end"),
    ],
)
def test_a_database_url_of_the_wrong_shape_names_the_right_one(url: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, DATABASE_URL=url)
    assert str(caught.value).startswith("DATABASE_URL: ")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("DATABSE_URL", "did you mean DATABASE_URL?"),
        ("SAMEN_LOG_LEVL", "did you mean SAMEN_LOG_LEVEL?"),
        ("TELEGRAM_TOKEN", "did you mean TELEGRAM_BOT_TOKEN?"),
        ("samen_coordinator_id", "did you mean SAMEN_COORDINATOR_IDS?"),
        ("SAMEN_COLOUR", "see the Settings table in README"),
    ],
)
def test_an_unknown_variable_in_the_environment_names_the_closest_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, suggestion: str
) -> None:
    monkeypatch.setenv(name, "sqlite:///typo.db")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value) == (
        f"{name} (in the environment) is not a Samen setting: {suggestion}"
    )


def test_an_unknown_variable_in_dotenv_is_refused_and_others_are_left_alone(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={SECRET}\nDATABSE_URL=postgresql://samen:pw@db/samen\n"
        "POSTGRES_PASSWORD=for-the-database-container\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=env_file)
    assert str(caught.value) == (
        "DATABSE_URL (in .env) is not a Samen setting: did you mean DATABASE_URL?"
    )
    assert SECRET not in str(caught.value)
    env_file.write_text(
        f"TELEGRAM_BOT_TOKEN={SECRET}\nPOSTGRES_PASSWORD=for-the-database-container\n",
        encoding="utf-8",
    )
    assert load_settings(_env_file=env_file).require_token() == SECRET


def test_every_secret_is_handed_to_the_redaction_layer() -> None:
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=SECRET,
        DATABASE_URL="postgresql://samen:db-password-x@db/samen",
        SAMEN_WEBHOOK_SECRET="webhook-secret-0123456789",
        SAMEN_EXPORT_SECRET="export-secret-0123456789",
    )
    assert set(settings.secret_values()) == {
        SECRET,
        SECRET.split(":")[1],
        "db-password-x",
        "webhook-secret-0123456789",
        "export-secret-0123456789",
    }
    text = f"{SECRET} {settings.database_url} webhook-secret-0123456789 export-secret-0123456789"
    assert SECRETS.redact(text) == (
        "[redacted] postgresql+asyncpg://samen:[redacted]@db/samen [redacted] [redacted]"
    )
