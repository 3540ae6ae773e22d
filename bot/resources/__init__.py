"""Where the catalogs and the migrations are: in a checkout, or inside an installed wheel.

A checkout keeps them at the top of the repository (locales/, migrations/). A wheel carries
them here, in bot/resources/, with the catalogs compiled at build time (setup.py), so an
installed `samen` works from any directory.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parent.parent


def is_installed() -> bool:
    """True when this is an installed wheel (its resources were copied in at build time)."""
    return (_HERE / "migrations").is_dir()


def locales_dir() -> Path:
    return _HERE / "locales" if is_installed() else _CHECKOUT / "locales"


def migrations_dir() -> Path:
    return _HERE / "migrations" if is_installed() else _CHECKOUT / "migrations"
