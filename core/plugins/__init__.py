"""The plugin host: installed plugins, per-tenant enablement, isolated hook calls."""
