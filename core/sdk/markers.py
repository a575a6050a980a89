"""The marker plugins put on their hook implementations."""

from __future__ import annotations

import pluggy

#: pluggy project name of every Querela hook.
PROJECT = "querela"

#: Decorate a function with ``@hookimpl`` to implement the hook of the same name.
hookimpl = pluggy.HookimplMarker(PROJECT)
