"""Notices (通知公告): composing and checking a notice, sending it after a grace through the
outbox (residents' groups and every approved member in scope), acknowledgements counted per
household, the reminder to those who did not acknowledge, and reading notices later.

The sign-up events a notice can carry live beside it (they reference the notice's id)."""
