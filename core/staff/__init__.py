"""The tenant's staff: who works here, with which roles, and inviting more."""
