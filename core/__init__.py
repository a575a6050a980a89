"""Querela's tenant-isolated data plane: intake, cases, audit, and the plugin host."""
