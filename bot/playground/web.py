"""The playground's web page: Starlette, server-rendered HTML, server-sent events.

Every form post is JSON (or, for a photo, the image itself) with exactly the expected
fields; anything else is answered 400 and changes nothing. Cross-site pages cannot post
here: JSON and image bodies need a CORS preflight this server never grants, and a Host other
than the loopback names (DNS rebinding) is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground import render
from bot.playground.bot_api import Event
from bot.playground.session import BadAction, Playground, PlaygroundRefused

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_FORM = 16 * 1024
MAX_PHOTO = 5 * 1024 * 1024
PHOTO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
HEARTBEAT_SECONDS = 15.0


def _bad(reason: str) -> HTTPException:
    return HTTPException(400, reason)


async def _json_form(request: Request, fields: dict[str, type]) -> dict[str, Any]:
    """The posted JSON object, with exactly `fields` of exactly these types, or a 400."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise _bad("send the form as application/json")
    body = await request.body()
    if len(body) > MAX_FORM:
        raise _bad("the form is too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad("the form is not valid JSON") from None
    if not isinstance(data, dict) or set(data) != set(fields):
        raise _bad(f"the form needs exactly these fields: {', '.join(sorted(fields))}")
    for name, kind in fields.items():
        value = data[name]
        # bool is an int in Python; a form never means True by 1.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _bad(f"{name} must be {kind.__name__}")
    return data


def create_app(
    playground: Playground,
    *,
    extra_hosts: Sequence[str] = (),
    stopping: Callable[[], bool] = lambda: False,
) -> Starlette:
    """The ASGI app for one playground. `stopping` ends the event streams on shutdown."""

    async def phone_html(user_id: int, locales: dict[int, str] | None = None) -> str:
        person = playground.person(user_id)
        locales = locales if locales is not None else await playground.locales()
        locale = locales.get(user_id)
        return render.phone(
            person,
            playground.api.messages(user_id),
            locale,
            playground.api.menu_for(user_id, locale or person.language_code),
        )

    async def index(request: Request) -> Response:
        locales = await playground.locales()
        people = list(playground.people.values())
        phones = [await phone_html(p.user_id, locales) for p in people]
        body = render.page(
            phones,
            people,
            now=playground.clock(),
            can_reset=playground.can_reset,
            real_members=playground.real_members,
        )
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def one_phone(request: Request) -> Response:
        try:
            user_id = int(request.path_params["user_id"])
            return HTMLResponse(await phone_html(user_id))
        except (ValueError, BadAction):
            raise HTTPException(404, "no such person") from None

    async def file(request: Request) -> Response:
        stored = playground.api.files.get(request.path_params["file_id"])
        if stored is None:
            raise HTTPException(404, "no such file")
        shown = stored.mime_type.startswith(("image/", "audio/"))
        disposition = "inline" if shown else "attachment"
        return Response(
            stored.content,
            media_type=stored.mime_type,
            headers={
                "Content-Disposition": f'{disposition}; filename="{_ascii(stored.name)}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def payload(event: Event) -> tuple[str, dict[str, Any]] | None:
        """What the page needs for an event, rendered now (the chat may change later)."""
        chat = event.chat_id
        if event.kind == "message":
            message = playground.api.message(chat, event.message_id or 0)
            if message is None or chat not in playground.people:
                return None
            data: dict[str, Any] = {"chat": chat, "id": message.message_id}
            data["html"] = render.bubble(message)
            if message.from_bot:
                locale = (await playground.locales()).get(chat)
                data["language"] = render.language_line(playground.person(chat), locale)
            return "message", data
        if event.kind == "deleted":
            return "deleted", {"chat": chat, "id": event.message_id}
        if event.kind == "toast":
            return "toast", {"chat": chat, "text": event.text, "alert": event.alert}
        if event.kind == "menu":
            locales = await playground.locales()
            chats = [chat] if chat else list(playground.people)
            menus = {
                str(user_id): render.menu(
                    playground.api.menu_for(
                        user_id, locales.get(user_id) or playground.person(user_id).language_code
                    )
                )
                for user_id in chats
                if user_id in playground.people
            }
            return "menu", {"menus": menus}
        if event.kind == "person":
            person = playground.person(chat)
            html = await phone_html(chat)
            return "person", {"chat": chat, "html": html, "tab": render.tab(person)}
        if event.kind == "clock":
            return "clock", {"now": render.clock_text(playground.clock())}
        if event.kind == "reset":
            return "reset", {}
        return None

    async def events(request: Request) -> Response:
        queue: asyncio.Queue[Event] = asyncio.Queue()
        unlisten = playground.listen(queue.put_nowait)

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 1000\n\n"
                idle = 0.0
                while not stopping():
                    try:
                        event = await asyncio.wait_for(queue.get(), 1.0)
                    except TimeoutError:
                        idle += 1.0
                        if idle >= HEARTBEAT_SECONDS:
                            idle = 0.0
                            yield ": still here\n\n"
                        continue
                    idle = 0.0
                    try:
                        found = await payload(event)
                    except BadAction:
                        continue
                    if found is not None:
                        kind, data = found
                        yield f"event: {kind}\ndata: {json.dumps(data)}\n\n"
            finally:
                unlisten()

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def act(work: Callable[[], Any]) -> Response:
        try:
            await work()
        except BadAction as exc:
            raise _bad(str(exc)) from None
        except PlaygroundRefused as exc:
            raise HTTPException(409, str(exc)) from None
        return JSONResponse({"ok": True})

    async def say(request: Request) -> Response:
        form = await _json_form(request, {"person": int, "text": str})
        return await act(lambda: playground.say(form["person"], form["text"]))

    async def tap(request: Request) -> Response:
        form = await _json_form(request, {"person": int, "message": int, "data": str})
        return await act(lambda: playground.tap(form["person"], form["message"], form["data"]))

    async def voice(request: Request) -> Response:
        form = await _json_form(request, {"person": int, "seconds": int})
        return await act(lambda: playground.voice(form["person"], form["seconds"]))

    async def location(request: Request) -> Response:
        form = await _json_form(request, {"person": int})
        return await act(lambda: playground.location(form["person"]))

    async def photo(request: Request) -> Response:
        mime_type = request.headers.get("content-type", "").split(";")[0].strip()
        if mime_type not in PHOTO_TYPES:
            raise _bad("a photo is PNG, JPEG, GIF or WebP")
        try:
            person = int(request.query_params.get("person", ""))
        except ValueError:
            raise _bad("person must be int") from None
        body = await request.body()
        if not 0 < len(body) <= MAX_PHOTO:
            raise _bad("a photo here is at most 5 MB")
        return await act(lambda: playground.photo(person, body, mime_type))

    async def add_person(request: Request) -> Response:
        form = await _json_form(request, {"name": str, "language": str})
        try:
            person = playground.add_person(form["name"], form["language"])
        except BadAction as exc:
            raise _bad(str(exc)) from None
        return JSONResponse({"ok": True, "person": person.user_id})

    async def forward(request: Request) -> Response:
        form = await _json_form(request, {"hours": int})
        return await act(lambda: playground.fast_forward(timedelta(hours=form["hours"])))

    async def reset(request: Request) -> Response:
        await _json_form(request, {})
        return await act(playground.reset)

    async def error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"ok": False, "error": exc.detail}, status_code=exc.status_code)

    routes = [
        Route("/", index),
        Route("/events", events),
        Route("/phones/{user_id}", one_phone),
        Route("/files/{file_id}", file),
        Route("/api/say", say, methods=["POST"]),
        Route("/api/tap", tap, methods=["POST"]),
        Route("/api/voice", voice, methods=["POST"]),
        Route("/api/photo", photo, methods=["POST"]),
        Route("/api/location", location, methods=["POST"]),
        Route("/api/people", add_person, methods=["POST"]),
        Route("/api/forward", forward, methods=["POST"]),
        Route("/api/reset", reset, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, *extra_hosts])
        ],
        exception_handlers={HTTPException: error},
    )


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
