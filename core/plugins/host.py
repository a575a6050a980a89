"""One process-wide pluggy PluginManager holding every installed plugin.

A tenant's hook calls go to the plugins it has enabled, through a cached
``subset_hook_caller`` per (hook, enabled set). ``call`` then runs each plugin's
implementation on its own, in a worker thread with a time limit, so that one
plugin that raises or hangs cannot stop a complaint from being registered: its
failure is returned beside the other plugins' results for the caller to record.
pluggy's own call loop stops at the first exception, which is why the host
calls the implementations one by one instead of using a wrapper hook.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Literal

import pluggy
from opentelemetry import metrics, trace

from core import hookspecs
from core.sdk import PROJECT, PluginInfo

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "querela.plugins"
#: Set to 0 to load no plugin from entry points (tests register what they need).
AUTOLOAD_ENV = "QUERELA_PLUGINS_AUTOLOAD"
#: Seconds one plugin's implementation of one hook may take.
DEFAULT_TIMEOUT = 2.0
#: After a plugin overran, its implementation of that hook is skipped this long,
#: so that hung calls cannot pile up in the worker threads.
QUARANTINE_SECONDS = 60.0

_tracer = trace.get_tracer("querela.plugins")
_meter = metrics.get_meter("querela.plugins")
_failures = _meter.create_counter(
    "querela.plugin.failures", description="Plugin hook calls that raised or overran"
)
_latency = _meter.create_histogram(
    "querela.plugin.hook.duration", unit="s", description="Time one plugin took for one hook"
)


@dataclass(frozen=True, slots=True)
class HookFailure:
    """One plugin that did not answer a hook."""

    plugin: str
    hook: str
    kind: Literal["error", "timeout", "quarantined"]
    #: The exception's type, never its message (which may quote personal data).
    error: str

    def describe(self) -> str:
        """A sentence for the staff who see the flag."""
        if self.error.startswith(f"{UNKNOWN_TEAM}: "):
            team = self.error.removeprefix(f"{UNKNOWN_TEAM}: ")
            return (
                f"Plugin {self.plugin} would send this case to the team '{team}', which this"
                " organisation does not have: create the team under Teams (or change the"
                " plugin's settings), then route or assign the case."
            )
        if self.error.startswith(f"{DUPLICATE_DEADLINE}: "):
            kind, _, first = self.error.removeprefix(f"{DUPLICATE_DEADLINE}: ").partition(" (")
            return (
                f"Plugin {self.plugin} sets the deadline '{kind}', which plugin"
                f" {first.rstrip(')')} already set: the first is kept. Two sector plugins that"
                " time the same answer rarely belong together; check which the organisation needs."
            )
        what = {
            "error": f"failed with {self.error}",
            "timeout": "did not answer in time",
            "quarantined": "was skipped after overrunning shortly before",
        }[self.kind]
        return f"Plugin {self.plugin} {what} during {self.hook}."


#: The error of a routing suggestion naming a team the tenant does not have.
UNKNOWN_TEAM = "UnknownTeam"
#: The error of a deadline another plugin already set on the case.
DUPLICATE_DEADLINE = "DuplicateDeadline"


@dataclass(slots=True)
class HookOutcome:
    """The answers of the plugins that answered, and the failures of those that did not."""

    results: list[tuple[str, Any]] = field(default_factory=list)
    failures: list[HookFailure] = field(default_factory=list)

    def values(self) -> list[Any]:
        """The answers, without the names of the plugins that gave them."""
        return [value for _, value in self.results]

    def flattened(self) -> list[tuple[str, Any]]:
        """(plugin, item) for every item of the list every plugin returned."""
        return [(name, item) for name, value in self.results for item in value or ()]


class PluginLoadError(RuntimeError):
    """A plugin cannot be installed; the message says which and why."""


class PluginHost:
    """The installed plugins and the way to call them for one tenant."""

    def __init__(self, *, autoload: bool | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.timeout = timeout
        self.infos: dict[str, PluginInfo] = {}
        #: Entry points that could not be loaded: name -> reason.
        self.load_errors: dict[str, str] = {}
        self._callers: dict[tuple[str, frozenset[str]], pluggy.HookCaller] = {}
        self._quarantine: dict[tuple[str, str], float] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=8, thread_name_prefix="querela-plugin"
        )
        if autoload is None:
            autoload = os.environ.get(AUTOLOAD_ENV, "1") not in ("0", "false", "no")
        if autoload:
            self.load_entry_points()

    # -- installing ------------------------------------------------------------------

    def load_entry_points(self) -> None:
        """Install every plugin registered under the ``querela.plugins`` entry point.

        A plugin that fails to import is logged and listed in ``load_errors``;
        the service starts without it rather than not at all.
        """
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.name in self.infos:
                continue
            try:
                self.register(entry.load())
            except Exception as exc:  # any import-time error of third-party code
                self.load_errors[entry.name] = f"{type(exc).__name__}: {exc}"
                log.warning("plugin %s could not be loaded: %s", entry.name, exc)

    def register(self, plugin: object) -> PluginInfo:
        """Install a plugin object or module that carries ``PLUGIN_INFO``."""
        info = getattr(plugin, "PLUGIN_INFO", None)
        if not isinstance(info, PluginInfo):
            raise PluginLoadError(f"{plugin!r} has no PLUGIN_INFO of type core.sdk.PluginInfo")
        if info.name in self.infos:
            raise PluginLoadError(f"a plugin named {info.name!r} is installed already")
        try:
            self.pm.register(plugin, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginLoadError(f"plugin {info.name!r}: {exc}") from exc
        self.infos[info.name] = info
        self._callers.clear()
        return info

    def unregister(self, name: str) -> None:
        """Remove an installed plugin (tests and hot reloads)."""
        self.pm.unregister(name=name)
        self.infos.pop(name, None)
        self._callers.clear()

    def close(self) -> None:
        """Stop the worker threads (a hung plugin call is abandoned, not waited for)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def names(self) -> list[str]:
        """Names of the installed plugins, sorted."""
        return sorted(self.infos)

    # -- calling ---------------------------------------------------------------------

    def caller(self, hook: str, enabled: frozenset[str]) -> pluggy.HookCaller:
        """The hook as seen by a tenant that enabled ``enabled`` (cached)."""
        key = (hook, enabled)
        caller = self._callers.get(key)
        if caller is None:
            hidden = [self.pm.get_plugin(name) for name in self.infos if name not in enabled]
            caller = self.pm.subset_hook_caller(hook, remove_plugins=hidden)
            self._callers[key] = caller
        return caller

    async def call(
        self, hook: str, enabled: Iterable[str], *, time_limit: float | None = None, **kwargs: Any
    ) -> HookOutcome:
        """Call ``hook`` for a tenant, each plugin on its own and within the time limit.

        ``time_limit`` (seconds) replaces the host's limit for this call: a regulator's
        return over a year of cases may take longer than a hook on the way of a complaint.
        """
        limit = self.timeout if time_limit is None else time_limit
        caller = self.caller(hook, frozenset(enabled))
        first_result = bool(caller.spec and caller.spec.opts.get("firstresult"))
        outcome = HookOutcome()
        loop = asyncio.get_running_loop()
        # pluggy calls the most recently registered implementation first.
        for impl in reversed(caller.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or "?"
            if time.monotonic() < self._quarantine.get((name, hook), 0.0):
                outcome.failures.append(HookFailure(name, hook, "quarantined", "Quarantined"))
                continue
            args = [kwargs[arg] for arg in impl.argnames]
            with _tracer.start_as_current_span(
                f"plugin {name}.{hook}",
                attributes={"querela.plugin": name, "querela.hook": hook},
            ) as span:
                started = time.perf_counter()
                try:
                    future = loop.run_in_executor(self._pool, impl.function, *args)
                    value = await asyncio.wait_for(future, limit)
                except TimeoutError:
                    self._quarantine[(name, hook)] = time.monotonic() + QUARANTINE_SECONDS
                    failure = HookFailure(name, hook, "timeout", "TimeoutError")
                except Exception as exc:  # a plugin's bug must not become the core's
                    failure = HookFailure(name, hook, "error", type(exc).__name__)
                    span.record_exception(exc)
                else:
                    _latency.record(time.perf_counter() - started, {"plugin": name, "hook": hook})
                    if value is not None:
                        outcome.results.append((name, value))
                        if first_result:
                            break
                    continue
                span.set_status(trace.Status(trace.StatusCode.ERROR, failure.kind))
                _failures.add(1, {"plugin": name, "hook": hook, "kind": failure.kind})
                log.warning("plugin %s failed on %s: %s", name, hook, failure.kind)
                outcome.failures.append(failure)
        return outcome

    def call_plugin(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook`` directly (settings schema and the like)."""
        plugin = self.pm.get_plugin(name)
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if impl.plugin is plugin:
                return impl.function(*[kwargs[arg] for arg in impl.argnames])
        return None


_host: PluginHost | None = None


def plugin_host() -> PluginHost:
    """The process's plugin host, created (and entry points loaded) on first use."""
    global _host
    if _host is None:
        _host = PluginHost()
    return _host


def use_plugin_host(host: PluginHost) -> PluginHost:
    """Make ``host`` the process's plugin host (tests, embedding); return it."""
    global _host
    _host = host
    return host
