"""How votes look in Telegram: the ballot with each plan's price for this household, the
group card (participation only), the organizer's live view, the creation steps, and the
outbox renderers of the vote kinds."""
