"""Field-level encryption: per-tenant data keys, wrapped by a key manager."""
