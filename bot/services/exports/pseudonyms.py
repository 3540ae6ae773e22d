"""Pseudonymous member codes: the same member always gets the same code in this installation,
and nobody can get from a code back to a Telegram account without the key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import InstallationSecret

SECRET_NAME = "export_member_codes"


class MemberCodes:
    """HMAC-SHA256 of the member's database id (never the Telegram id) under the key."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        # One export meets each member many times; bounded by the community's size.
        self._known: dict[int, str] = {}

    def code(self, member_id: int) -> str:
        known = self._known.get(member_id)
        if known is None:
            digest = hmac.new(self._key, f"member:{member_id}".encode(), hashlib.sha256).digest()
            # 60 bits in 12 letters and digits: short to read aloud, collisions negligible.
            known = self._known[member_id] = "M-" + base64.b32encode(digest).decode()[:12]
        return known


async def member_codes(
    sessions: async_sessionmaker[AsyncSession], configured: SecretStr | None, *, now: datetime
) -> MemberCodes:
    """Codes under SAMEN_EXPORT_SECRET, or under the key this installation made for itself.

    The generated key lives in the database so every instance and every command uses the same
    one and codes stay stable across restarts; two first exports at once agree on one key.
    """
    if configured is not None:
        return MemberCodes(configured.get_secret_value().encode())
    async with sessions() as session:
        value = await session.scalar(
            select(InstallationSecret.value).where(InstallationSecret.name == SECRET_NAME)
        )
        if value is None:
            session.add(
                InstallationSecret(
                    name=SECRET_NAME, value=secrets.token_urlsafe(48), created_at=now
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                # Another process made it first: use theirs.
                await session.rollback()
            value = await session.scalar(
                select(InstallationSecret.value).where(InstallationSecret.name == SECRET_NAME)
            )
    assert value is not None
    return MemberCodes(value.encode())
