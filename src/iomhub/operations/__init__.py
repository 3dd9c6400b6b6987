"""Running the service: encrypted, verified backup and restore of the database, and readiness (issue 13)."""
