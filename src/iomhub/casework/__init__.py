"""Managing a case: agencies involved, lead worker, needs, plans, timeline."""
