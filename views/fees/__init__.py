"""Fees as people see them: bills, payments, reminders, collection rates."""
