"""The IOM cohort: registrations, their RAG classification and history, flags and the adoption checklist."""
