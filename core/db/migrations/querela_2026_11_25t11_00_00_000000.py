"""Deadlines whose passing counts as a denial, the level each belongs to, extension limits.

28 CFR 542.18 (and 115.52(d)(4) for PREA): an inmate who gets no answer in time
may take it as a denial at that level and appeal to the next. A deadline with
``deemed_denial`` lets the case be appealed once it has passed unmet; ``level``
says which level it answers (0: the first answer, n: appeal level n). A rule may
cap its extensions: in days in all, and in number (542.18: once; 115.52(d)(3): 70
days).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deemed denials, extension limits"

SQL = """
ALTER TABLE deadline
    ADD COLUMN level integer NOT NULL DEFAULT 0,
    ADD COLUMN deemed_denial boolean NOT NULL DEFAULT false,
    ADD COLUMN max_extension_days integer CHECK (max_extension_days >= 0),
    ADD COLUMN max_extensions integer CHECK (max_extensions >= 0);
UPDATE deadline SET level = substring(kind FROM 'appeal_level_([0-9]+)')::int
 WHERE kind ~ '^appeal_level_[0-9]+$';
-- The denial recorded when an appeal is opened on it: no one proposed or approved it.
ALTER TABLE case_decision DROP CONSTRAINT case_decision_state_check,
    ADD CONSTRAINT case_decision_state_check
        CHECK (state IN ('proposed', 'returned', 'approved', 'deemed'));
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
