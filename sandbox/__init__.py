"""A local stand-in for Telegram: a Bot API server and a web chat, for demos and tests.

``Sandbox`` serves, from one aiohttp app and all in memory:
- the Bot API at ``/bot{token}/{method}`` and files at ``/file/bot{token}/{path}``, faithful
  enough that unmodified aiogram 3 talks to it via ``TelegramAPIServer.from_base(api_url)``;
- a web chat at ``/`` (JSON API under ``/sandbox/api/``) where people chat with the bot.

How updates are routed: the world (people, groups, messages) is shared and there is one bot
identity, "the bot" (``bot_username``). Any syntactically valid token is accepted; the bot id
is the number before ':'. Updates go into one log and every token that has called the API
reads it through its own cursor (getUpdates offset, or webhook delivery), so each token gets
every update, except callback queries, which go only to the bot that sent the tapped message.
Updates made before any bot has called are kept and delivered to bots when they come. A
private chat's id is the user's id, shared by all tokens. To run two independent bots (say the
real bot and a bare echo bot), give each its own ``Sandbox`` on its own port: instances share
nothing.

Update ids increase strictly; given ``update_ids_file`` they also continue across restarts (a
bot's store remembers the ids it handled). People can send text, photos (with Telegram's photo
sizes; the bytes are not scaled), documents, voice notes and stickers from a built-in set of
three (``sandbox.stickers``).

Deliberate simplifications: group chats are supergroups and the bot sees every group message
(no privacy mode); Markdown parse modes are kept as typed (only HTML is parsed into
entities); a bot may message any sandbox user, even one who never wrote to it.
"""

from sandbox.limits import SandboxLimits, SandboxStats
from sandbox.server import Sandbox
from sandbox.world import SandboxChat, SandboxUser

__all__ = ["Sandbox", "SandboxChat", "SandboxLimits", "SandboxStats", "SandboxUser"]
