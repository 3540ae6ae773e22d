"""Assembles the outbox for a process: Telegram channel, dispatcher and periodic jobs."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.request import BaseRequest

from bot.channels.telegram.outbox.sender import TelegramChannel
from bot.channels.telegram.renderers import build_renderers
from bot.runtime import Runtime
from bot.scheduler import Scheduler, build_scheduler
from bot.services.outbox.dispatcher import DeliveryConfig, Dispatcher
from bot.services.outbox.pacer import Pacer, Timer


@dataclass
class OutboxWorker:
    channel: TelegramChannel
    dispatcher: Dispatcher
    scheduler: Scheduler

    async def start(self) -> None:
        """Connect, turn rows a crash left in `sending` into `unknown`, start the jobs."""
        await self.channel.start()
        await self.dispatcher.recover_on_start()
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop claiming, let calls under way finish and be recorded, disconnect."""
        await self.scheduler.stop()
        await self.channel.stop()


def build_outbox(
    runtime: Runtime,
    *,
    role: str,
    request: BaseRequest | None = None,
    timer: Timer | None = None,
    pacer: Pacer | None = None,
) -> OutboxWorker:
    """`role` names the command (run, dispatch) in the default instance name.

    `pacer` is the budget the process's replies use (`samen run`); without one (`samen
    outbox dispatch`, no replies) the outbox has the process's budget to itself.
    """
    settings = runtime.settings
    pacer = pacer or Pacer(settings.telegram_rate, settings.telegram_chat_rate, timer)
    channel = TelegramChannel.create(settings, runtime.catalogs, build_renderers(), request)
    dispatcher = Dispatcher(
        runtime.sessions,
        channel,
        DeliveryConfig.from_settings(settings),
        instance=settings.instance_name(role),
        clock=runtime.clock,
        timer=timer,
        pacer=pacer,
    )
    return OutboxWorker(channel, dispatcher, build_scheduler(runtime, dispatcher))
