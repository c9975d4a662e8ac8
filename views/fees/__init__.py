"""Fees in Telegram out: bills, payments, plans, adjustments, collection rates and receipts."""
