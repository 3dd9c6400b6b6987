"""The notification outbox: messages to IOM Hub users, queued in the database and sent by a task
through a provider (ADR 0020)."""
