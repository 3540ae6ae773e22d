"""Every chat in turn: updates of different chats run side by side, one chat's in order.

python-telegram-bot hands each update to an update processor (`BaseUpdateProcessor`). Its
default processes one update after another, so one member sending 300 messages made everyone
else wait behind them. `ChatTurns` lets updates of different chats run concurrently and keeps
the updates of one chat in the order they came: a dialogue step must see the step before it.

Why two bounds: PTB acquires its own semaphore (`max_concurrent_updates`) *before* it calls
`do_process_update`, and holds it while the update waits for its chat's turn. Were that bound
64, one flooder's 64 waiting updates would fill it and every other chat would wait again. So
PTB's bound only caps the updates in hand (running or waiting), and `running` — taken once
it is the chat's turn — caps the handlers that actually run at once, each chat taking at most
one of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Handlers running at once. Each may hold a database connection: the pool (5 + 10 overflow by
# default) makes the rest queue for one, which is fine; more would only queue longer.
MAX_RUNNING = 64
# Updates in hand at once, running or waiting for their chat's turn (see the module docstring).
MAX_IN_HAND = 4096


class _Turn:
    """One chat's lock, and how many of its updates hold it or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


def chat_key(update: object) -> int | None:
    """Whose turn an update takes: its chat, else its sender (inline queries have no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatTurns(BaseUpdateProcessor):
    """Concurrent across chats, in order within one chat, at most `max_running` at once."""

    __slots__ = ("_max_running", "_running", "_turns")

    def __init__(self, max_running: int = MAX_RUNNING, max_in_hand: int = MAX_IN_HAND):
        if max_in_hand < max_running:
            raise ValueError("max_in_hand must be at least max_running")
        super().__init__(max_concurrent_updates=max_in_hand)
        self._max_running = max_running
        self._running = asyncio.BoundedSemaphore(max_running)
        self._turns: dict[int, _Turn] = {}

    @property
    def waiting_chats(self) -> int:
        """Chats with an update running or waiting; an idle chat keeps nothing here."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        # No await between the lookup and the count: no other task can slip in between.
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _Turn()
        turn.users += 1
        try:
            # asyncio.Lock wakes its waiters first come, first served: the chat's order holds.
            async with turn.lock, self._running:
                await coroutine
        finally:
            turn.users -= 1
            if turn.users == 0:
                # The last one out removes the lock, so idle chats cost no memory.
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made as chats come."""

    async def shutdown(self) -> None:
        """Forget the locks; PTB has waited for the updates in hand before this."""
        self._turns.clear()
