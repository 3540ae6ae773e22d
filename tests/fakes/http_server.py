"""The fake Bot API over real HTTP on loopback, for tests that run `samen` as a process.

Run it on its own with `python -m tests.fakes.http_server` to try the bot by hand.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.bot_api import FakeBotAPI

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when a client opens many at once.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (a test stopping `samen` with SIGTERM) is
        normal here. The default prints a traceback to stderr from the server's thread, at a
        moment that lands in whichever test is running then; log it instead."""
        error = sys.exc_info()[1]
        log.debug("fake Bot API: a client went away (%s)", type(error).__name__)


class FakeBotAPIServer:
    """Serve a FakeBotAPI at http://127.0.0.1:<port>; use as a context manager."""

    def __init__(self, api: FakeBotAPI | None = None, port: int = 0):
        self.api = api or FakeBotAPI()
        self.tokens_seen: set[str] = set()
        handler = _make_handler(self)
        self._server = _Server(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeBotAPIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.api.changed:
            self.api.changed.notify_all()
        self._server.shutdown()
        self._server.server_close()


def _make_handler(server: FakeBotAPIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: tests read the recorded calls instead

        def do_GET(self) -> None:
            self._answer(b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(self.rfile.read(length))

        def _answer(self, body: bytes) -> None:
            path = urlsplit(self.path).path
            parts = path.strip("/").split("/")
            if len(parts) != 2 or not parts[0].startswith("bot"):
                self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            server.tokens_seen.add(parts[0][3:])
            method = parts[1]
            params, files = _parse(self.headers.get("Content-Type", ""), body)
            if method == "getUpdates":
                error = server.api.error_for(method, params)
                if error is not None:
                    self._send(error.status, error.body())
                    return
                self._send(200, {"ok": True, "result": _long_poll(server.api, params)})
                return
            try:
                status, payload = server.api.handle(method, params, files)
            except TimeoutError:
                time.sleep(float(params.get("_fake_timeout", 30)))
                status, payload = 504, {"ok": False, "error_code": 504, "description": "timeout"}
            self._send(status, payload)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _long_poll(api: FakeBotAPI, params: dict[str, Any]) -> list[dict[str, Any]]:
    offset = params.get("offset")
    offset = int(offset) if offset is not None else None
    deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
    while True:
        updates = api.take_updates(offset, int(params.get("limit") or 100))
        remaining = deadline - time.monotonic()
        if updates or remaining <= 0:
            return updates
        with api.changed:
            api.changed.wait(min(remaining, 0.2))


def _parse(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if not body:
        return params, files
    if content_type.startswith("application/json"):
        return json.loads(body), files
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[name] = payload
            else:
                params[name] = _decode(name, payload.decode())
        return params, files
    for name, value in parse_qsl(body.decode(), keep_blank_values=True):
        params[name] = _decode(name, value)
    return params, files


_TEXT_FIELDS = {"text", "caption", "title", "description", "message", "query"}


def _decode(name: str, value: str) -> Any:
    """PTB sends non-string values JSON-encoded (ids, keyboards); undo that, but keep text
    fields as sent (a message "42" is text, not a number)."""
    if name in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


if __name__ == "__main__":
    with FakeBotAPIServer(port=8081) as fake:
        print(f"fake Bot API at {fake.url} (TELEGRAM_API_URL={fake.url}); Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
