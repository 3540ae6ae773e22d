"""Webhook mode: an ASGI app that takes Telegram's updates, and a health endpoint.

Telegram retries a delivery that did not get a 2xx answer, so an update is processed before
it is acknowledged: a crash mid-way means a retry (and incoming de-duplication), not a loss.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.channels.telegram.app import SamenApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything near this is not from Telegram.
DEFAULT_MAX_BODY = 1024 * 1024

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


def create_webhook_app(
    application: SamenApplication,
    *,
    secret: str,
    path: str,
    health: HealthCheck,
    max_body: int = DEFAULT_MAX_BODY,
) -> Starlette:
    """The ASGI app: POST `path` for Telegram, GET /healthz for the load balancer."""
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant time, so the secret cannot be guessed byte by byte from response times.
        if not hmac.compare_digest(given, expected):
            log.warning("webhook call refused: missing or wrong secret")
            return PlainTextResponse("forbidden", status_code=403)
        body = await _read_limited(request, max_body)
        if body is None:
            return PlainTextResponse("body too large or incomplete", status_code=400)
        update = _parse_update(body, application)
        if update is None:
            return PlainTextResponse("not a Telegram update", status_code=400)
        # Through the update processor, as polling does: each chat in order, a bounded number
        # at once. Still answered only once processed, so a crash means Telegram retries.
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        return PlainTextResponse("ok")

    async def healthz(_request: Request) -> Response:
        report = await health()
        return JSONResponse(report, status_code=200 if report.get("ok") else 503)

    return Starlette(
        routes=[
            Route(path, receive_update, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


async def _read_limited(request: Request, max_body: int) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_body):
        return None
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                return None
            chunks.append(chunk)
    except ClientDisconnect:
        return None
    return b"".join(chunks)


def _parse_update(body: bytes, application: SamenApplication) -> Update | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        log.warning("webhook body is not JSON")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        log.warning("webhook body has no update_id")
        return None
    try:
        return Update.de_json(data, application.bot)
    except Exception:  # PTB raises many kinds for malformed objects
        log.warning("malformed update refused", extra={"update_id": data["update_id"]})
        return None
