"""The wheel carries what `samen` needs at run time besides code: the migrations and the
catalogs, compiled here (.po → .mo) so that an installed bot never compiles them itself.

The metadata is in pyproject.toml; this file only adds that step to `build_py`. In a checkout
nothing is copied: bot/resources finds locales/ and migrations/ at the top of the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithResources(build_py):
    """Copy migrations/ and alembic.ini, and compile every locales/*/LC_MESSAGES/*.po (its
    source goes along as *.source.po)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own folders
        target = Path(self.build_lib) / "bot" / "resources"
        migrations = target / "migrations"
        shutil.rmtree(migrations, ignore_errors=True)
        shutil.copytree(
            ROOT / "migrations",
            migrations,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        shutil.copy2(ROOT / "alembic.ini", target / "alembic.ini")
        for po_path in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
            mo_path = target / "locales" / po_path.relative_to(ROOT / "locales")
            mo_path = mo_path.with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            # The source goes along for /reviewtexts, which reads its translator comments.
            # Under another name: pip gives installed files new times, so a messages.po
            # could look newer than the .mo the bot speaks from.
            shutil.copy2(po_path, mo_path.with_name(f"{mo_path.stem}.source.po"))
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as compiled:
                write_mo(compiled, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithResources})
