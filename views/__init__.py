"""Telegram out: how each thing looks (text + keyboard), CallbackData classes, outbox renderers."""
