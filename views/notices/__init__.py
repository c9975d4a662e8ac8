"""Notices in Telegram: the notice as residents see it (group post, private letter), the
composer's questions and preview, the lists, and the outbox renderers."""
