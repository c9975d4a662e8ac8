"""The ledger in Telegram: booking steps, approvals, the published months (公示) as text, a
picture and files, questions and answers, and the outbox renderers."""
