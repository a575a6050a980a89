"""The control plane: signing organisations up, provisioning and operating their tenants."""
