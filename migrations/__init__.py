"""Alembic: one migration history for SQLite and PostgreSQL."""
