"""Shared storage: the database engine and sessions, Alembic migrations and the audit log."""
