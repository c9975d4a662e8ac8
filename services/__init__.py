"""The rules: what may happen, who may do it, and what follows. No Telegram here."""
