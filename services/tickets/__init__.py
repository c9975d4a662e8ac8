"""Repair tickets: reporting, claiming, the lifecycle, deadlines and escalation, lists, stats.

Modules: permissions (who may see and do what), deadlines (time to claim and resolve),
reporting (filing, numbering), claiming (claim and assign), lifecycle (the other changes),
notices (outbox rows about tickets), alerts (reminders, escalation, digest), info and
queries (what views show), stats.
"""
