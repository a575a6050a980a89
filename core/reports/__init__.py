"""Reports: counts of a tenant's cases, for its own staff and for its regulator."""
