"""A bare aiogram echo bot: the yardstick for the courtyard bot's throughput.
Usage: python bench/echo_bot.py TOKEN API_URL"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def main(token: str, api_url: str) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    await dispatcher.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
