"""Tenants as the data plane sees them: the tenant row, its resolution and its context."""
