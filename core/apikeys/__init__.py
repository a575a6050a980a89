"""API keys: how another system (a CRM, a call-centre tool) uses a tenant's API."""
