"""Webhook mode: only Telegram (holding the secret) gets in; bad bodies get 400; /healthz."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.telegram.app import outbox_of
from bot.channels.telegram.health import health_report
from bot.channels.telegram.webhook import SECRET_HEADER, create_webhook_app
from bot.db.models import Member
from tests.factories import AMIRA
from tests.harness import BotHarness

SECRET = "invented-webhook-secret-0123456789"
# A bound on waiting for the jobs' first passes (each step yields to them), not a timing.
GUARD_STEPS = 400


@pytest.fixture
async def client(bot: BotHarness):
    asgi = create_webhook_app(
        bot.app,
        secret=SECRET,
        path="/telegram",
        health=lambda: health_report(bot.app),
        max_body=64 * 1024,
    )
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as client:
        yield client


async def members(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Member)) or 0


@pytest.mark.parametrize("header", [None, "", "wrong-secret-wrong-secret-0000", SECRET + "x"])
async def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_stored(
    bot: BotHarness, client: httpx.AsyncClient, header: str | None
) -> None:
    headers = {SECRET_HEADER: header} if header is not None else {}
    update = bot.updates.text(AMIRA, "/start")
    response = await client.post("/telegram", json=update, headers=headers)
    assert response.status_code == 403
    assert bot.api.sent() == []
    assert await members(bot) == 0


async def test_an_update_with_the_secret_is_processed_before_it_is_acknowledged(
    bot: BotHarness, client: httpx.AsyncClient
) -> None:
    update = bot.updates.text(AMIRA, "/start")
    response = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    # Answered (in Arabic, the user's language) before the 200 went back to Telegram.
    [reply] = bot.api.texts(AMIRA.id)
    assert any("\u0600" <= ch <= "\u06ff" for ch in reply)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"message": {"text": "no update id"}}',
        "\udcff".encode("utf-8", "surrogatepass"),
        json.dumps({"update_id": 7, "message": {"message_id": "x"}}).encode(),
    ],
)
async def test_a_malformed_body_is_a_400(
    bot: BotHarness, client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/telegram",
        content=body,
        headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert bot.api.sent() == []


async def test_an_oversized_body_is_a_400(bot: BotHarness, client: httpx.AsyncClient) -> None:
    update = bot.updates.text(AMIRA, "x" * 100_000)
    response = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert bot.api.sent() == []


async def test_healthz_reports_database_and_scheduler(
    bot: BotHarness, client: httpx.AsyncClient
) -> None:
    stopped = await client.get("/healthz")
    assert stopped.status_code == 503
    assert stopped.json()["scheduler"] == "stopped"
    await bot.app.start()
    try:
        bot.runtime.heartbeats.beat("dispatcher", bot.runtime.clock())
        running = await client.get("/healthz")
    finally:
        await bot.app.stop()
    assert running.status_code == 200
    report = running.json()
    assert report["database"] == "ok"
    assert report["scheduler"] == "running"
    assert report["last_passes"]["dispatcher"].startswith("2026-11-28T12:00")


async def test_healthz_shows_a_pass_of_every_periodic_job(
    bot: BotHarness, client: httpx.AsyncClient
) -> None:
    worker = outbox_of(bot.app)
    jobs = set(worker.scheduler.jobs)
    before = (await client.get("/healthz")).json()["last_passes"]
    assert before == dict.fromkeys(jobs)  # listed, none has passed yet
    await bot.app.start()
    await worker.start()  # every job runs once at start
    try:
        for _ in range(GUARD_STEPS):
            if set(bot.runtime.heartbeats.last) >= jobs:
                break
            await asyncio.sleep(0.05)
        report = (await client.get("/healthz")).json()
    finally:
        await worker.stop()
        await bot.app.stop()
    assert set(report["last_passes"]) == jobs
    assert {"outbox", "retention", "scrub-disk", "checkins"} <= jobs
    moment = bot.runtime.clock().isoformat()
    assert report["last_passes"] == dict.fromkeys(jobs, moment)
