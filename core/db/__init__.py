"""Database access: one Piccolo engine, table placement, migrations, transactions."""

import os

# Piccolo finds its engine and app registry through this module; set it before any
# table class is imported so that every process, the CLI included, agrees on it.
os.environ.setdefault("PICCOLO_CONF", "core.db.piccolo_conf")
