"""How fees look: bills and their breakdown, payment instructions, receipts, finance's screens,
collection figures and reminders."""
