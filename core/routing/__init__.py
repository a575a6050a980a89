"""Who handles a case: teams, queues, routing rules, assignment and escalation."""
