"""A running playground on loopback, served from a thread of its own, for browser tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.playground.server import build_server, serve
from bot.playground.session import Playground, own_database

ROOT = Path(__file__).resolve().parents[2]
# Screenshots are kept for people to look at after a run (ignored by git).
ARTEFACTS = ROOT / "test-artefacts" / "playground"


@dataclass
class Running:
    url: str
    playground: Playground
    # Every address this process connected to while the playground ran.
    connections: list[Any] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    playground = Playground(own_database(tmp_path_factory.mktemp("playground")))
    port = _free_port()
    server = build_server(playground, "127.0.0.1", port)
    ready = threading.Event()
    failure: list[BaseException] = []
    found = Running(f"http://127.0.0.1:{port}/", playground)

    real_connect = socket.socket.connect

    def recording_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            found.connections.append(address)
        return real_connect(self, address)

    def run() -> None:
        try:
            asyncio.run(serve(playground, server=server, on_ready=lambda _: ready.set()))
        except BaseException as exc:  # shown by the fixture, not lost in the thread
            failure.append(exc)
            ready.set()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", recording_connect)
        thread = threading.Thread(target=run, name="playground", daemon=True)
        thread.start()
        if not ready.wait(60) or failure:
            raise RuntimeError(f"the playground did not start: {failure}")
        try:
            yield found
        finally:
            server.should_exit = True
            thread.join(30)
    assert not thread.is_alive(), "the playground did not stop"
    assert not failure, failure
