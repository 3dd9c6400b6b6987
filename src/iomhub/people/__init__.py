"""People ("nominals"): identity, aliases, identifiers, addresses, contact details, warnings."""
