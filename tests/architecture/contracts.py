"""An import-linter contract type for "may use this package only through that door"."""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class OnlyThroughContract(Contract):
    """Modules under ``source_modules`` may import from ``target`` only ``door`` and below.

    Configuration::

        type = "only_through"
        source_modules = ["plugins"]
        target = "core"
        door = "core.sdk"
    """

    source_modules = fields.ListField(subfield=fields.ModuleField())
    target = fields.ModuleField()
    door = fields.ModuleField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        """Find every direct import that goes around the door."""
        target, door = self.target.name, self.door.name
        breaches: list[tuple[str, str]] = []
        for source in self.source_modules:
            if source.name not in graph.modules:
                continue
            for module in sorted({source.name} | graph.find_descendants(source.name)):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    if _within(imported, target) and not _within(imported, door):
                        breaches.append((module, imported))
        return ContractCheck(kept=not breaches, warnings=[], metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """List each import that breaks the contract."""
        for module, imported in check.metadata["breaches"]:
            output.print_error(f"{module} imports {imported}, which is not under {self.door}")
