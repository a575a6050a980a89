"""The platform's own operators on the platform's own host (no tenant)."""
