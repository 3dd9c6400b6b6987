"""The Documents tab: uploaded files and generated reports (issue 12 §7; ADR 0024)."""
