"""Shared helpers for the sandbox tests."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import Sandbox

TOKEN = "123456:ABC-DEF_sandbox"


class FakeClock:
    """A clock the test moves by hand, for the flood limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_bot(sandbox: Sandbox, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.api_url))
    return Bot(token, session=session)
