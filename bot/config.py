"""Typed settings from the environment and an optional `.env` file, validated at start-up."""

from __future__ import annotations

import difflib
import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot import resources
from bot.errors import OperatorError
from bot.redaction import SECRETS

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///samen.db"
DEFAULT_API_URL = "https://api.telegram.org"

# Plain schemes are accepted and mapped to the async drivers Samen ships with.
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
# A variable with one of these prefixes is meant for Samen; an unknown one is a typo.
_PREFIXES = ("SAMEN_", "TELEGRAM_")
# Read by the test suite and CI, not by the bot.
_OTHER_KNOWN = frozenset(
    {
        "SAMEN_TEST_POSTGRES_URL",
        "SAMEN_REQUIRE_POSTGRES",
        "SAMEN_REQUIRE_BROWSER",
        "SAMEN_REQUIRE_FONTS",
    }
)
_SQLITE_SHAPE = (
    "a SQLite URL has three slashes before a relative path (sqlite:///samen.db) and four "
    "before an absolute one (sqlite:////var/lib/samen/samen.db)"
)


class ConfigError(OperatorError):
    """A setting is missing or invalid; the message names the variable, never a secret value."""


class Settings(BaseSettings):
    """Everything an operator can set; every option has a default that works on one machine."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    telegram_api_url: str = Field(default=DEFAULT_API_URL, alias="TELEGRAM_API_URL")
    default_locale: str = Field(default="nl", alias="SAMEN_DEFAULT_LOCALE")
    default_time_zone: str = Field(default="Europe/Amsterdam", alias="SAMEN_DEFAULT_TIME_ZONE")
    coordinator_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, alias="SAMEN_COORDINATOR_IDS"
    )
    # The catalogs: locales/ of a checkout, or the copy an installed wheel carries.
    locales_dir: Path = Field(default_factory=resources.locales_dir, alias="SAMEN_LOCALES_DIR")
    log_level: str = Field(default="INFO", alias="SAMEN_LOG_LEVEL")
    log_format: Literal["plain", "json"] = Field(default="plain", alias="SAMEN_LOG_FORMAT")

    # Webhook mode (`samen run --webhook`, or set SAMEN_WEBHOOK_URL); polling is the default.
    webhook_url: str | None = Field(default=None, alias="SAMEN_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="SAMEN_WEBHOOK_SECRET")
    webhook_path: str = Field(default="/telegram", alias="SAMEN_WEBHOOK_PATH")
    listen_host: str = Field(default="127.0.0.1", alias="SAMEN_LISTEN_HOST")
    listen_port: int = Field(default=8080, ge=1, le=65535, alias="SAMEN_LISTEN_PORT")
    # Used to print deep links without asking Telegram (getMe) first.
    bot_username: str | None = Field(default=None, alias="SAMEN_BOT_USERNAME")
    # The code of the community `/start` without a code joins; none: people need a link.
    default_community: str | None = Field(default=None, alias="SAMEN_DEFAULT_COMMUNITY")
    # How long `samen run` waits for an unreachable Telegram at start, retrying with growing
    # pauses, before it gives up with one line (and exit 2).
    telegram_wait_seconds: float = Field(
        default=120.0, ge=0, le=3_600, alias="SAMEN_TELEGRAM_WAIT_SECONDS"
    )
    # Names this process in outbox claims; two processes on one host need different names.
    instance_id: str = Field(default="", alias="SAMEN_INSTANCE_ID")
    # One budget for every call of this process, replies first, then the outbox. Telegram
    # allows about 30 messages a second per bot (1,000 with paid broadcasts) and about 1 a
    # second to one chat; several processes divide the rate between them (README).
    telegram_rate: float = Field(default=30.0, gt=0, le=100_000, alias="SAMEN_TELEGRAM_RATE")
    telegram_chat_rate: float = Field(
        default=1.0, gt=0, le=1_000, alias="SAMEN_TELEGRAM_CHAT_RATE"
    )
    # Retired names: each meant a budget of its own; refused so none keeps a changed meaning.
    retired_reply_rate: str | None = Field(default=None, alias="SAMEN_REPLY_RATE", exclude=True)
    retired_outbox_rate: str | None = Field(default=None, alias="SAMEN_OUTBOX_RATE", exclude=True)
    retired_chat_rate: str | None = Field(
        default=None, alias="SAMEN_OUTBOX_CHAT_RATE", exclude=True
    )
    outbox_batch: int = Field(default=200, ge=1, le=5_000, alias="SAMEN_OUTBOX_BATCH")
    outbox_concurrency: int = Field(default=16, ge=1, le=256, alias="SAMEN_OUTBOX_CONCURRENCY")
    outbox_max_attempts: int = Field(default=3, ge=1, le=20, alias="SAMEN_OUTBOX_MAX_ATTEMPTS")
    outbox_retry_seconds: float = Field(
        default=15.0, ge=0, le=3_600, alias="SAMEN_OUTBOX_RETRY_SECONDS"
    )
    outbox_poll_seconds: float = Field(
        default=5.0, gt=0, le=3_600, alias="SAMEN_OUTBOX_POLL_SECONDS"
    )
    # How often due check-ins are looked for (they are rows with a due time, not timers).
    checkin_poll_seconds: float = Field(
        default=60.0, gt=0, le=3_600, alias="SAMEN_CHECKIN_POLL_SECONDS"
    )
    outbox_lease_minutes: float = Field(
        default=10.0, gt=0, le=24 * 60, alias="SAMEN_OUTBOX_LEASE_MINUTES"
    )
    # The key of the pseudonymous member codes in exports (HMAC-SHA256). Unset: Samen makes
    # one on the first export and keeps it in the database, so codes stay the same.
    export_secret: SecretStr | None = Field(default=None, alias="SAMEN_EXPORT_SECRET")
    # Messages and button taps one member may send in any minute; the first one over gets a
    # translated "slow down", the rest of the flood is dropped (bot/services/throttle.py).
    inbound_per_minute: int = Field(default=20, ge=1, le=10_000, alias="SAMEN_INBOUND_PER_MINUTE")
    # Telegram may deliver an update again (webhook retries, restarts); ids are kept this long.
    update_dedupe_hours: float = Field(
        default=48.0, gt=0, le=24 * 30, alias="SAMEN_UPDATE_DEDUPE_HOURS"
    )

    @field_validator("retired_reply_rate", "retired_outbox_rate", "retired_chat_rate")
    @classmethod
    def _retired(cls, value: str | None, info: ValidationInfo) -> None:
        if value is None:
            return None
        if info.field_name == "retired_chat_rate":
            raise ValueError("is now called SAMEN_TELEGRAM_CHAT_RATE: rename it")
        raise ValueError(
            "is gone: replies and the outbox share one budget now; remove SAMEN_REPLY_RATE "
            "and SAMEN_OUTBOX_RATE and set SAMEN_TELEGRAM_RATE (default 30) instead"
        )

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            # The message must not echo the value: it is a secret.
            raise ValueError("does not look like a bot token (expected <digits>:<secret>)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "is not a database URL: use sqlite:///samen.db or "
                "postgresql://user:password@host/samen"
            ) from None
        driver = _DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(
                f"unsupported scheme {url.drivername!r}; use sqlite:/// or postgresql://"
            )
        if driver.startswith("sqlite") and (url.host or url.port or not url.database):
            # sqlite://samen.db reads "samen.db" as a host and no file at all.
            raise ValueError(_SQLITE_SHAPE)
        if driver.startswith("postgresql") and not url.database:
            raise ValueError("name the database at the end: postgresql://user:password@host/samen")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be the public https:// address Telegram posts updates to")
        return value.rstrip("/") if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.match(
            r"^[A-Za-z0-9_-]{16,256}$", value.get_secret_value()
        ):
            raise ValueError("must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("export_secret")
    @classmethod
    def _export_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # empty: the secret Samen keeps in the database
        if len(value.get_secret_value().strip()) < 16:
            raise ValueError("must be at least 16 characters (a long random string)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not re.match(r"^/[A-Za-z0-9/_-]*$", value):
            raise ValueError("must be a path such as /telegram")
        return value

    @field_validator("default_time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if not re.match(r"^[a-z]{2,3}(-[A-Z]{2})?$", value):
            raise ValueError("must be a language code such as nl, ar or fa-AF")
        return value

    @field_validator("bot_username", "default_community", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip().removeprefix("@") if isinstance(value, str) else value

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", value):
            raise ValueError("must be the bot's Telegram username, e.g. samen_utrecht_bot")
        return value

    @field_validator("default_community")
    @classmethod
    def _community_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value):
            raise ValueError("must be a community code (letters, digits, _ and -)")
        return value

    @field_validator("coordinator_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            if not all(p.isdigit() for p in parts):
                raise ValueError("must be numeric Telegram user ids separated by commas")
            return [int(p) for p in parts]
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("instance_id")
    @classmethod
    def _instance(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^[A-Za-z0-9_.:/-]{1,80}$", value):
            raise ValueError("use up to 80 letters, digits and _ . : / -")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def secret_values(self) -> list[str]:
        """Every secret these settings hold, for the redaction layer."""
        values = [
            secret.get_secret_value()
            for secret in (self.telegram_bot_token, self.webhook_secret, self.export_secret)
            if secret is not None
        ]
        if self.telegram_bot_token is not None:
            # The part after the colon is the secret; the bot id before it is public.
            values.append(self.telegram_bot_token.get_secret_value().partition(":")[2])
        password = make_url(self.database_url).password
        if password:
            values.append(str(password))
        return values

    def safe_database_url(self) -> str:
        """The database URL with any password masked, for messages and logs."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    def instance_name(self, role: str) -> str:
        """Who claims outbox rows: SAMEN_INSTANCE_ID, else this host and the command's role.

        A restarted process with the same name recognises the rows it left in `sending`.
        """
        return self.instance_id or f"{socket.gethostname()}:{role}"

    def require_token(self) -> str:
        if self.telegram_bot_token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the "
                "environment or in a .env file"
            )
        return self.telegram_bot_token.get_secret_value()

    def require_webhook(self) -> tuple[str, str]:
        """The public webhook URL (with path) and the secret, or a ConfigError naming both."""
        if not self.webhook_url or self.webhook_secret is None:
            raise ConfigError(
                "webhook mode needs SAMEN_WEBHOOK_URL (the public https:// address) and "
                "SAMEN_WEBHOOK_SECRET (16-256 characters of A-Z, a-z, 0-9, _ and -)"
            )
        return self.webhook_url + self.webhook_path, self.webhook_secret.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ConfigError with one readable line.

    The secrets of settings that loaded are handed to the redaction layer at once.
    """
    env_file = overrides.get("_env_file", Settings.model_config.get("env_file"))
    unknown = unknown_names(os.environ, _dotenv_names(env_file))
    if unknown:
        raise ConfigError("; ".join(unknown))
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "settings"
            name = _env_name(field)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
        raise ConfigError("; ".join(problems)) from None
    SECRETS.add(*settings.secret_values())
    return settings


def known_names() -> frozenset[str]:
    aliases = {info.alias for info in Settings.model_fields.values() if info.alias}
    return frozenset(aliases) | _OTHER_KNOWN


def unknown_names(environment: Iterable[str], dotenv: Iterable[str] = ()) -> list[str]:
    """Problems with variable names meant for Samen that Samen does not know, each naming the
    closest real one. Names are compared as pydantic-settings reads them: case-insensitive."""
    known = known_names()
    problems = []
    for source, names in (("the environment", environment), (".env", dotenv)):
        for name in sorted(set(names)):
            upper = name.upper()
            if upper in known:
                continue
            close = difflib.get_close_matches(upper, known, n=1, cutoff=0.85)
            if not close and not upper.startswith(_PREFIXES):
                continue  # somebody else's variable
            hint = f"did you mean {close[0]}?" if close else "see the Settings table in README"
            problems.append(f"{name} (in {source}) is not a Samen setting: {hint}")
    return problems


def _dotenv_names(env_file: object) -> list[str]:
    if not env_file:
        return []
    path = Path(str(env_file))
    if not path.is_file():
        return []
    try:
        return [name for name in dotenv_values(path) if name]
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read ({type(exc).__name__})") from None


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and info.alias:
        return info.alias
    return field.upper()
