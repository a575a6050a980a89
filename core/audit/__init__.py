"""The per-tenant, append-only, hash-chained audit log."""
