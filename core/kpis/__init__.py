"""What supervisors watch: deadlines at risk, escalations, workload, and KPIs of staff and teams."""
