"""A tenant's branding on its public pages: display name, logo and colours."""
