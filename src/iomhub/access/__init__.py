"""Who may do what: organisations, teams, users and roles, the one access policy, the audit log."""
