"""`samen doctor`: check an installation and say plainly what is wrong."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from sqlalchemy.engine import make_url
from telegram.error import InvalidToken, TelegramError

from bot import fonts
from bot.cli import telegram_api
from bot.config import ConfigError, Settings, load_settings
from bot.db import DatabaseUnavailable, check_connection, migrate
from bot.db.engine import create_engine
from bot.i18n import LANGUAGES

OK, WARN, FAIL = "ok", "warning", "FAIL"


@dataclass
class Check:
    name: str
    status: str
    detail: str


def doctor(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        _print([Check("settings", FAIL, str(exc))])
        return 1
    checks = asyncio.run(run_checks(settings, offline=args.offline))
    _print(checks)
    return 1 if any(c.status == FAIL for c in checks) else 0


async def run_checks(settings: Settings, *, offline: bool = False) -> list[Check]:
    checks = [
        _settings(settings),
        _webhook_settings(settings),
        _coordinators(settings),
        await _database(settings),
        *_private_files(settings),
        *_catalogs(settings),
        _fonts(),
    ]
    if not offline and settings.telegram_bot_token is not None:
        checks.extend(await _telegram(settings))
    return checks


def _settings(settings: Settings) -> Check:
    if settings.telegram_bot_token is None:
        return Check("settings", FAIL, "TELEGRAM_BOT_TOKEN is not set")
    return Check(
        "settings",
        OK,
        f"database {settings.safe_database_url()}, Bot API {settings.telegram_api_url}, "
        f"default language {settings.default_locale}, time zone {settings.default_time_zone}",
    )


def _webhook_settings(settings: Settings) -> Check:
    """The webhook needs both its URL and its secret; with one of them `run` exits 2."""
    if settings.webhook_url is None and settings.webhook_secret is None:
        return Check("webhook settings", OK, "long polling (no SAMEN_WEBHOOK_URL)")
    try:
        url, _secret = settings.require_webhook()
    except ConfigError as exc:
        return Check("webhook settings", FAIL, f"`samen run` would stop: {exc}")
    if not url.startswith("https://"):
        return Check(
            "webhook settings",
            WARN,
            "Telegram only posts to https:// addresses (port 443, 80, 88 or 8443)",
        )
    return Check("webhook settings", OK, f"updates arrive at {url}")


def _coordinators(settings: Settings) -> Check:
    if not settings.coordinator_ids:
        return Check(
            "coordinators",
            WARN,
            "SAMEN_COORDINATOR_IDS is empty: nobody can coordinate from Telegram; put your "
            "numeric Telegram id there (or grant roles with `samen role grant`)",
        )
    return Check("coordinators", OK, f"{len(settings.coordinator_ids)} configured")


def _private_files(settings: Settings) -> list[Check]:
    """The database and .env hold personal data and secrets: only their owner may read them."""
    paths = [Path(".env")]
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        paths.append(Path(url.database))
    checks = []
    for path in paths:
        if not path.is_file():
            continue
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            checks.append(
                Check(
                    f"permissions {path.name}",
                    WARN,
                    f"{path} is readable by others (mode {mode:o}): chmod 600 {path}",
                )
            )
        else:
            checks.append(Check(f"permissions {path.name}", OK, f"mode {mode:o}"))
    return checks


async def _database(settings: Settings) -> Check:
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:
        return Check(
            "database",
            FAIL,
            f"{missing} does not exist: `samen run` or `samen db upgrade` creates it",
        )
    engine = create_engine(settings.database_url)
    try:
        await check_connection(engine, settings.safe_database_url())
        current = await migrate.current_revision(engine)
    except DatabaseUnavailable as exc:
        return Check("database", FAIL, str(exc))
    finally:
        await engine.dispose()
    head = migrate.head_revision()
    if current != head:
        return Check(
            "database",
            FAIL,
            f"schema at {current or 'empty'}, newest is {head}: run `samen db upgrade`",
        )
    return Check("database", OK, f"reachable, schema up to date ({head})")


def _missing_sqlite_file(database_url: str) -> str | None:
    """A SQLite file that is not there (connecting would create it; a doctor only looks)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return None if Path(url.database).exists() else url.database


def _catalogs(settings: Settings) -> list[Check]:
    checks = []
    for catalog in sorted({lang.catalog for lang in LANGUAGES}):
        directory = settings.locales_dir / catalog / "LC_MESSAGES"
        po_path, mo_path = directory / "messages.po", directory / "messages.mo"
        if not po_path.exists():
            checks.append(_compiled_only(catalog, mo_path))
            continue
        with po_path.open("rb") as handle:
            po = read_po(handle, locale=catalog)
        untranslated = sum(1 for m in po if m.id and not _translated(m.string))
        errors = sum(len(errs) for _m, errs in po.check())
        try:
            write_mo(BytesIO(), po)
        except Exception as exc:  # any failure to compile is what we report
            checks.append(Check(f"catalog {catalog}", FAIL, f"does not compile: {exc}"))
            continue
        if errors or untranslated:
            detail = f"{untranslated} untranslated, {errors} with errors"
            checks.append(Check(f"catalog {catalog}", FAIL, detail))
        elif not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            checks.append(
                Check(f"catalog {catalog}", WARN, "not compiled: run `make texts-compile`")
            )
        else:
            checks.append(Check(f"catalog {catalog}", OK, f"{len(po)} messages"))
    return checks


def _fonts() -> Check:
    """Charts, posters and printed reports need a font for every script (never boxes)."""
    gone = fonts.missing()
    if gone:
        # The bot runs without them; /stats then sends its figures as text.
        return Check("fonts", WARN, f"reports and posters {fonts.missing_message(gone)}")
    return Check("fonts", OK, ", ".join(f"{face.family} ({face.scripts})" for face in fonts.FACES))


def _compiled_only(catalog: str, mo_path: Path) -> Check:
    """An installed wheel carries the catalogs compiled, without their .po sources."""
    if not mo_path.exists():
        return Check(f"catalog {catalog}", FAIL, f"{mo_path} is missing")
    try:
        with mo_path.open("rb") as handle:
            messages = len(Translations(handle, domain="messages")._catalog)
    except (OSError, ValueError) as exc:
        return Check(f"catalog {catalog}", FAIL, f"{mo_path} cannot be read: {exc}")
    return Check(f"catalog {catalog}", OK, f"compiled, {messages} messages")


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


async def _telegram(settings: Settings) -> list[Check]:
    api = settings.telegram_api_url
    bot = telegram_api.make_bot(settings)
    checks = []
    try:
        async with bot:
            me = bot.bot
            checks.append(Check("Bot API", OK, f"reachable as @{me.username} (id {me.id})"))
            info = await bot.get_webhook_info()
    except InvalidToken:
        return [Check("Bot API", FAIL, telegram_api.TOKEN_REFUSED)]
    except TelegramError as exc:
        return [Check("Bot API", FAIL, f"{api} not reachable: {type(exc).__name__}")]
    if info.url:
        detail = f"a webhook is set; {info.pending_update_count} updates pending"
        status = OK
    else:
        detail = f"no webhook set (long polling); {info.pending_update_count} updates pending"
        status = OK
    if info.last_error_message:
        status = WARN
        detail += f"; Telegram's last delivery error: {info.last_error_message}"
    checks.append(Check("webhook", status, detail))
    return checks


def _print(checks: list[Check]) -> None:
    width = max(len(c.name) for c in checks)
    for check in checks:
        print(f"{check.status:>7}  {check.name:<{width}}  {check.detail}")
    failed = sum(1 for c in checks if c.status == FAIL)
    print("all checks passed" if not failed else f"{failed} check(s) failed")
