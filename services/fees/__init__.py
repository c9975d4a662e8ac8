"""Fees: plans, adjustments, the monthly bill run, payments and receipts, collection rates."""
