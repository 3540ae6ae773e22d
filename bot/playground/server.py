"""Serve one playground on loopback with uvicorn, in the same event loop as the bot."""

from __future__ import annotations

import asyncio
import logging
import signal
import webbrowser
from collections.abc import Callable

import uvicorn

from bot.playground.session import Playground
from bot.playground.web import create_app

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def build_server(playground: Playground, host: str, port: int) -> uvicorn.Server:
    holder: list[uvicorn.Server] = []
    asgi = create_app(
        playground,
        extra_hosts=[host],
        stopping=lambda: bool(holder) and holder[0].should_exit,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            asgi,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="off",
            # The event streams end by themselves once the server should exit.
            timeout_graceful_shutdown=3,
        )
    )
    holder.append(server)
    return server


async def serve(
    playground: Playground,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
    server: uvicorn.Server | None = None,
) -> None:
    """Start the playground, serve the page until stopped, then stop the bot in order."""
    await playground.start()
    try:
        server = server or build_server(playground, host, port)
        task = asyncio.create_task(server.serve())
        # uvicorn tells that it listens only by a flag, not an event to wait on.
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if server.started and on_ready is not None:
            shown = f"[{host}]" if ":" in host else host
            on_ready(f"http://{shown}:{port}/")
        await task
    finally:
        await playground.stop()


def run(playground: Playground, *, host: str, port: int, open_browser: bool) -> None:
    def ready(url: str) -> None:
        print(f"Samen playground at {url} (Ctrl-C stops; nothing is sent to Telegram)")
        if open_browser:
            webbrowser.open(url)

    # uvicorn re-raises the signal that stopped it once it has shut down; with the default
    # handler that would end the process before the bot and its database are closed.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: None)
    asyncio.run(serve(playground, host=host, port=port, on_ready=ready))
