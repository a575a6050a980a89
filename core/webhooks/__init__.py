"""Outgoing webhooks: signed HTTP posts of case events to the tenant's integrations."""
