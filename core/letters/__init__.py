"""Letters to complainants from templates the tenant can edit, per language."""
