"""Secrets the installation makes for itself, kept where every instance can read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime, utcnow


class InstallationSecret(Base):
    """A random value generated once (e.g. the key of the pseudonymous member codes in
    exports when SAMEN_EXPORT_SECRET is not set). In the database, not in a file, so that
    every instance and every `samen` command sees the same value and it survives restarts,
    moves of the working directory and PostgreSQL deployments without a shared disk."""

    __tablename__ = "installation_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
