"""Staff identity: Keycloak tokens, tenant-scoped roles, browser sessions."""
