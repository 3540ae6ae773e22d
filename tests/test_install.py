"""The wheel works anywhere: built from the sources, installed into a fresh virtual
environment outside the checkout, it migrates a database, passes the doctor and answers.

No network: the wheel is built without build isolation, and the new environment borrows the
dependencies of this one through a path file instead of downloading them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.factories import AMIRA, UpdateFactory
from tests.fakes.http_server import FakeBotAPIServer

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120
SOURCES = (
    "bot",
    "locales",
    "migrations",
    "pyproject.toml",
    "setup.py",
    "README.md",
    "alembic.ini",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the wheel installed; returns its bin/ folder."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(
                path, source / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
            )
        else:
            shutil.copy2(path, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(work / "dist")],
        check=True, timeout=TIMEOUT, cwd=work,
    )  # fmt: skip
    wheel = next((work / "dist").glob("samen-*.whl"))
    venv = work / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT
    )
    target = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # Only this environment's dependencies: a plain path line does not run the .pth files
    # there, so the checkout's editable install of `bot` stays out.
    (target / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, timeout=TIMEOUT, cwd=work,
    )  # fmt: skip
    return venv / "bin"


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMEN_", "TELEGRAM_", "DATABASE_", "PYTHON"))
    }
    env.update(extra)
    return env


def test_the_installed_wheel_migrates_passes_the_doctor_and_answers(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "anywhere"
    elsewhere.mkdir()
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'samen.db'}",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        SAMEN_COORDINATOR_IDS="933000001",
    )
    (tmp_path / "data").mkdir()

    def samen(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed / "samen"), *argv],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    where = subprocess.run(
        [str(installed / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(installed.parent)), where.stdout  # not the checkout

    upgraded = samen("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded to head" in upgraded.stdout
    (tmp_path / "data" / "samen.db").chmod(0o600)

    doctor = samen("doctor", "--offline")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert doctor.stdout.count("compiled, ") == 9  # every catalog, compiled in the wheel
    assert "schema up to date" in doctor.stdout
    assert "warning" not in doctor.stdout
    assert "compiled catalog missing or stale" not in doctor.stderr

    # The wheel carries the .po files too: /reviewtexts reads their review comments.
    waiting = subprocess.run(
        [str(installed / "python"), "-c",
         "from bot import resources; from bot.services.translations import catalog; "
         "print(len(catalog.pending(resources.locales_dir(), 'so')))"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(waiting.stdout) > 0
    fragment = samen("texts", "reviews", "--language", "so", "--out", "so.po")
    assert fragment.returncode == 0, fragment.stderr
    assert "wrote 0 reviewed entries of the so catalog" in fragment.stdout

    with FakeBotAPIServer() as fake:
        fake.api.queue_update(UpdateFactory().text(AMIRA, "/start"))
        log_file = (tmp_path / "samen.log").open("w+")
        env["TELEGRAM_API_URL"] = fake.url
        process = subprocess.Popen(
            [str(installed / "samen"), "run"],
            cwd=elsewhere,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            answered = fake.api.wait_for(
                lambda calls: any(c.method == "sendMessage" for c in calls), timeout=TIMEOUT
            )
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=TIMEOUT)
            log_file.seek(0)
            output = log_file.read()
            log_file.close()
    assert answered, output
    reply = fake.api.sent(AMIRA.id)[0].text or ""
    assert reply.startswith("أهلاً بك في Samen"), reply  # the compiled Arabic catalog
    assert process.returncode == 0, output
    assert "compiled catalog missing or stale" not in output
    assert "Traceback" not in output
    assert TEST_TOKEN not in output
