"""Case tables (tenant-scoped).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migrations, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class Case(TenantScoped, Table, tablename="cases"):
    """One complaint, from receipt to closure."""

    id = UUID(primary_key=True, default=None)
    reference = Varchar(length=40)
    status = Varchar(length=30, default="received")
    channel = Varchar(length=20)
    subject = Varchar(length=200)
    category = Varchar(length=100, null=True, default=None)
    severity = Varchar(length=20, default="normal")
    confidentiality = Varchar(length=20, default="standard")
    #: The lowest level the case's plugins allow; no one lowers it below this.
    confidentiality_floor = Varchar(length=20, default="standard")
    language = Varchar(length=8, default="en")
    received_at = Timestamptz()
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    #: Bumped on every change; lets clients detect that they edit a stale copy.
    version = Integer(default=1)
    #: Values of intake fields that plugins registered.
    fields = JSONB(default="{}")
    #: 0 until an appeal is opened; then the level of the latest appeal.
    appeal_level = Integer(default=0)
    #: The status to return to when a paused (on hold / escalated) case resumes.
    status_before_pause = Varchar(length=30, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    #: When the written answer of level 0 (the final response) was first sent.
    answered_at = Timestamptz(null=True, default=None)
    #: Who put the complaint in: ``staff:<id>``, ``mail``, ``public``, ``api-key:<id>``.
    entered_by = Varchar(length=200)
    #: What the person who entered it said about how it arrived ("letter dated 20 Nov").
    arrival_note = Varchar(length=500, null=True, default=None)
    #: The team whose queue the case is in, and the member handling it (see core.routing).
    team_id = UUID(null=True, default=None)
    assignee_staff_id = UUID(null=True, default=None)
    #: The supervisor the case was last escalated to, and why.
    escalated_to_staff_id = UUID(null=True, default=None)
    escalation_reason = Text(null=True, default=None)
    #: Days after closing the case is kept at least, whatever the tenant's period, and why
    #: (a plugin's rule, e.g. safeguarding records); ``kept_for_good``: never purged.
    retention_floor_days = Integer(null=True, default=None)
    kept_for_good = Boolean(default=False)
    retention_reason = Varchar(length=300, null=True, default=None)


class Party(TenantScoped, Table, tablename="party"):
    """A person or body involved in a case: complainant, representative, subject, witness."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    role = Varchar(length=20)
    #: Name, e-mail and phone are sealed (``core.crypto.keyring``); read them with
    #: ``core.cases.parties``.
    display_name = Text(null=True, default=None)
    email = Text(null=True, default=None)
    phone = Text(null=True, default=None)
    #: Blind indexes of e-mail and phone, to find a party without the plain values.
    email_index = Varchar(length=64, null=True, default=None)
    phone_index = Varchar(length=64, null=True, default=None)
    anonymous = Boolean(default=False)
    #: Identity in escrow: staff see a pseudonym (``core.escrow``).
    protected = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Correspondence(TenantScoped, Table, tablename="correspondence"):
    """Every letter, email, call note or message about a case, in or out."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: inbound | outbound | internal
    direction = Varchar(length=10)
    channel = Varchar(length=20)
    #: Sealed (``core.crypto.keyring``).
    body = Text()
    occurred_at = Timestamptz()
    created_at = Timestamptz(default=TimestamptzNow())


class ReferenceCounter(TenantScoped, Table, tablename="reference_counter"):
    """Last number handed out per tenant, scope and year; keeps references gap-free."""

    id = UUID(primary_key=True, default=None)
    scope = Varchar(length=20)
    period = Integer()
    value = BigInt(default=0)


class CaseFlag(TenantScoped, Table, tablename="case_flag"):
    """Something staff must see on a case: a risk, or a plugin that failed on it."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: risk | plugin_failure
    kind = Varchar(length=20)
    #: The plugin (or ``staff``) that raised it.
    source = Varchar(length=100)
    code = Varchar(length=100)
    message = Text()
    #: page | notice
    urgency = Varchar(length=10, default="notice")
    raised_at = Timestamptz(default=TimestamptzNow())
    cleared_at = Timestamptz(null=True, default=None)


class Deadline(TenantScoped, Table, tablename="deadline"):
    """A time by which something must have happened on a case."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    kind = Varchar(length=60)
    label = Varchar(length=200)
    due_at = Timestamptz()
    #: The plugin whose rule set it, or ``core``.
    source = Varchar(length=100)
    citation = Varchar(length=200, default="")
    counting = Varchar(length=200, default="")
    pausable = Boolean(default=True)
    #: Reminded and paged when it passes; False for a window that is only shown.
    watched = Boolean(default=True)
    #: Kinds of letter that meet it when one goes out before it is due.
    met_by = Array(base_column=Varchar(length=40), default=[])
    #: Fields of the case whose recording meets it (e.g. the day a referral was made).
    met_by_fields = Array(base_column=Varchar(length=60), default=[])
    #: The level it belongs to (0: the first answer; n: appeal level n).
    level = Integer(default=0)
    #: Passing it unmet may be taken as a denial at that level (the next may be appealed to).
    deemed_denial = Boolean(default=False)
    #: The most days in all, and the most times, it may be extended (None: no limit).
    max_extension_days = Integer(null=True, default=None)
    max_extensions = Integer(null=True, default=None)
    met_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    #: The due time first set; None until a clock stop or an extension moves ``due_at``.
    original_due_at = Timestamptz(null=True, default=None)
    #: When the clock stopped (case on hold); None while it runs. ``due_at`` moves on resume.
    paused_since = Timestamptz(null=True, default=None)


class CaseLink(TenantScoped, Table, tablename="case_link"):
    """Two cases that belong together: a possible duplicate found at intake, or related."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    linked_case_id = UUID(default=None)
    #: possible_duplicate | related
    kind = Varchar(length=20)
    similarity = Real(null=True, default=None)
    created_by = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())
