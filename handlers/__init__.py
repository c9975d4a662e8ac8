"""Telegram in: one aiogram Router per feature; parse input, call a service, reply.

The features' routers are put in order by bot.features: the error handler first, then every
feature's buttons and commands, then every feature's typed-input steps (so a menu button works in
the middle of a step), then the fallback."""
