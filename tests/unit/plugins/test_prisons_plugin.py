"""What the prisons plugin gives US and E&W tenants: settings, fields, flags, who may see a case."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.prisons
from core.plugins.host import PluginHost
from core.plugins.services import settings_schema, validate_settings
from core.sdk import CaseView, IntakeField, IntakeSubmission, LevelView, RiskFlag, TenantView
from tests.unit.plugins.views import case_view, tenant_view

LANGUAGES = {"de", "ru", "et"}
STAFF_CHANNELS = {"phone", "letter", "in_person", "email", "kiosk", "api"}
CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
KIND = re.compile(r"[a-z][a-z_]{0,39}")
OFFICER = "j.smith@facility.example.gov"


def tenant(**settings: Any) -> TenantView:
    return tenant_view("prisons", "prisons", **settings)


def us() -> TenantView:
    return tenant(jurisdiction="us")


def ew() -> TenantView:
    return tenant(jurisdiction="england-wales")


# -- settings ------------------------------------------------------------------------------------


def test_the_new_settings_have_no_defaults_so_leaving_them_out_keeps_the_old_ones() -> None:
    host = PluginHost(autoload=False)
    host.register(plugins.prisons)
    schema = settings_schema(host, "prisons")

    assert validate_settings(schema, {}) == {"jurisdiction": "us"}
    chosen = {
        "jurisdiction": "england-wales",
        "roll_forward_to_business_day": True,
        "reply_working_days": 7,
    }
    assert validate_settings(schema, chosen) == chosen
    settings = {s.name: s for s in schema}
    assert "Left empty: off" in settings["roll_forward_to_business_day"].help
    assert "Left empty: 5" in settings["reply_working_days"].help
    assert (settings["reply_working_days"].minimum, settings["reply_working_days"].maximum) == (
        1,
        20,
    )


# -- fields --------------------------------------------------------------------------------------


def fields(view: TenantView) -> dict[str, IntakeField]:
    found = plugins.prisons.querela_register_intake_fields(view)
    names = [f.name for f in found]
    assert len(names) == len(set(names)), Counter(names)
    return {f.name: f for f in found}


#: name: (type, asked at intake, channels (empty: all), sensitive)
BOTH = {
    "inmate_number": ("string", True, STAFF_CHANNELS, True),
    "facility": ("string", True, STAFF_CHANNELS, False),
    "unit": ("string", True, STAFF_CHANNELS, False),
    "filed_by": ("choice", True, STAFF_CHANNELS, False),
    "staff_named": ("string", True, STAFF_CHANNELS, True),
    "incident_date": ("date", True, STAFF_CHANNELS, False),
}
US = {
    **BOTH,
    "prea": ("boolean", True, STAFF_CHANNELS, False),
    "emergency": ("boolean", True, STAFF_CHANNELS, False),
    "victim_agrees": ("boolean", True, STAFF_CHANNELS, False),
    "sensitive": ("boolean", True, STAFF_CHANNELS, False),
    "informal_resolution": ("choice", True, STAFF_CHANNELS, False),
    "grievance_type": ("choice", False, set(), False),
}
ENGLAND_WALES = {
    **BOTH,
    "form": ("choice", True, STAFF_CHANNELS, False),
    "complaint_subject": ("choice", False, set(), False),
}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        pytest.param(tenant(), US, id="us-default"),
        pytest.param(us(), US, id="us"),
        pytest.param(ew(), ENGLAND_WALES, id="england-wales"),
        pytest.param(tenant(jurisdiction="scotland"), {}, id="unknown"),
    ],
)
def test_each_jurisdiction_asks_and_records_its_own_fields(
    view: TenantView, expected: dict[str, tuple[str, bool, set[str], bool]]
) -> None:
    found = fields(view)

    assert {
        name: (f.type, f.at_intake, set(f.channels), f.sensitive) for name, f in found.items()
    } == expected
    assert not any(f.required for f in found.values())
    # Asked fields come first, as the form shows them, then what staff record.
    asked = [f.at_intake for f in found.values()]
    assert asked == sorted(asked, reverse=True)


@pytest.mark.parametrize("view", [us(), ew()], ids=["us", "england-wales"])
def test_every_field_speaks_four_languages(view: TenantView) -> None:
    for field in fields(view).values():
        assert set(field.labels) == LANGUAGES, field.name
        assert set(field.helps) == LANGUAGES, field.name
        assert all(field.label_in(language) != field.label for language in LANGUAGES)
        assert field.help and all(field.helps.values())
        if field.choices:
            assert set(field.choice_labels) == {"en", *LANGUAGES}, field.name
            for language, words in field.choice_labels.items():
                assert list(words) == list(field.choices), (field.name, language)
                assert all(words.values()), (field.name, language)


@pytest.mark.parametrize(
    ("view", "name", "choices"),
    [
        (
            us(),
            "filed_by",
            ["self", "other_inmate", "family", "attorney", "advocate", "staff_on_behalf"],
        ),
        (ew(), "form", ["comp1", "comp2"]),
    ],
)
def test_choices_are_the_plugins_codes(view: TenantView, name: str, choices: list[str]) -> None:
    assert list(fields(view)[name].choices) == choices


def test_the_fields_are_worded_for_the_jurisdiction() -> None:
    assert fields(us())["inmate_number"].label == "Inmate register number"
    assert fields(ew())["inmate_number"].label == "Prison number"
    assert fields(ew())["facility"].label_in("de") == "Justizvollzugsanstalt"
    assert "115.52(e)(2)" in fields(us())["victim_agrees"].help
    assert "PREA" in fields(us())["filed_by"].help and "PREA" not in fields(ew())["filed_by"].help


# -- intake problems -----------------------------------------------------------------------------


def submission(**fields: Any) -> IntakeSubmission:
    return IntakeSubmission(
        channel="letter",
        subject="Officer took my letters",
        description="My legal mail was opened and kept.",
        category=None,
        severity="normal",
        language="en",
        received_at=datetime(2026, 4, 2, 10, tzinfo=UTC),
        fields=fields,
    )


@pytest.mark.parametrize("view", [us(), ew()], ids=["us", "england-wales"])
@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        pytest.param({"staff_named": OFFICER}, [], id="e-mail"),
        pytest.param({"staff_named": f"  {OFFICER} "}, [], id="e-mail-with-spaces"),
        pytest.param({"staff_named": "Officer Smith"}, ["e-mail address"], id="a-name"),
        pytest.param({"staff_named": "smith@facility"}, ["e-mail address"], id="no-domain"),
        pytest.param({"incident_date": "2026-04-02"}, [], id="incident-today"),
        pytest.param({"incident_date": "2019-06-01"}, [], id="incident-2019"),
        pytest.param({"incident_date": "2026-04-03"}, ["later than"], id="incident-tomorrow"),
        # Third-party PREA filings without the victim's agreement are accepted and flagged.
        pytest.param({"prea": True, "filed_by": "family"}, [], id="third-party-prea"),
    ],
)
def test_impossible_values_are_refused_with_the_field_named(
    view: TenantView, fields: dict[str, Any], problems: list[str]
) -> None:
    found = plugins.prisons.querela_register_intake_problems(view, submission(**fields))

    assert len(found) == len(problems)
    for issue, words in zip(found, problems, strict=True):
        assert issue.field == f"fields.{next(iter(fields))}"
        assert words in issue.message


# -- third-party PREA filings --------------------------------------------------------------------


def flags(view: TenantView, case: CaseView) -> dict[str, RiskFlag]:
    return {f.code: f for f in plugins.prisons.querela_register_risk_flags(view, case)}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"prea": True, "filed_by": "family"}, "victim_agreement_missing", id="missing"
        ),
        pytest.param(
            {"prea": True, "filed_by": "advocate", "victim_agrees": False},
            "victim_declined",
            id="declined",
        ),
        pytest.param(
            {"emergency": True, "filed_by": "other_inmate"},
            "victim_agreement_missing",
            id="emergency",
        ),
        pytest.param(
            {"prea": True, "filed_by": "staff_on_behalf", "victim_agrees": True}, None, id="agrees"
        ),
        pytest.param({"prea": True, "filed_by": "self"}, None, id="self"),
        pytest.param({"prea": True}, None, id="filer-not-recorded"),
        pytest.param({"filed_by": "family"}, None, id="not-prea"),
    ],
)
def test_a_third_party_prea_filing_asks_for_the_victims_agreement(
    fields: dict[str, Any], expected: str | None
) -> None:
    found = flags(us(), case_view(**fields))
    victim = {code for code in found if code.startswith("victim_")}

    assert victim == ({expected} if expected else set())
    if expected:
        assert found[expected].urgency == "notice"
    if expected == "victim_agreement_missing":
        assert "115.52(e)(2)" in found[expected].message
        assert "victim_agrees" in found[expected].message
    if expected == "victim_declined":
        message = found[expected].message
        assert "document" in message and "115.52(e)(3)" in message
        assert "not processed further unless the victim agrees" in message


# -- retaliation watch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [{"staff_named": OFFICER}, {"staff_named": OFFICER, "prea": True}],
    ids=["grievance", "prea"],
)
def test_a_grievance_naming_staff_starts_a_retaliation_watch(fields: dict[str, Any]) -> None:
    flag = flags(us(), case_view(**fields))["retaliation_watch"]

    assert flag.urgency == "notice"
    assert "at least 90 days" in flag.message and "115.67" in flag.message


@pytest.mark.parametrize(
    ("view", "fields"),
    [(us(), {}), (us(), {"staff_named": "  "}), (ew(), {"staff_named": OFFICER})],
    ids=["nobody-named", "blank", "england-wales"],
)
def test_no_retaliation_watch_without_a_named_officer(
    view: TenantView, fields: dict[str, Any]
) -> None:
    assert "retaliation_watch" not in flags(view, case_view(**fields))


# -- who may see and handle the case -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "sealed"),
    [
        ({"prea": True}, True),
        ({"emergency": True}, True),
        ({"prea": False}, False),
        ({}, False),
        ({"staff_named": OFFICER}, False),
    ],
)
def test_a_prea_grievance_is_sealed(fields: dict[str, Any], sealed: bool) -> None:
    found = plugins.prisons.querela_register_confidentiality_minimums(us(), case_view(**fields))

    if not sealed:
        assert found == ()
        return
    [minimum] = found
    assert minimum.level == "sealed"
    assert "28 CFR 115.52" in minimum.reason and "28 CFR 115.61" in minimum.reason


@pytest.mark.parametrize(
    ("fields", "excluded"),
    [
        # Worked example: assigning a PREA grievance to the staff member it names is refused.
        ({"prea": True, "staff_named": OFFICER}, OFFICER),
        ({"emergency": True, "staff_named": f" {OFFICER} "}, OFFICER),
        ({"prea": True}, None),
        ({"staff_named": OFFICER}, None),
    ],
)
def test_the_officer_a_prea_grievance_names_never_handles_it(
    fields: dict[str, Any], excluded: str | None
) -> None:
    found = plugins.prisons.querela_register_excluded_staff(us(), case_view(**fields))

    assert [e.email for e in found] == ([excluded] if excluded else [])
    if excluded:
        assert "28 CFR 115.52(c)(2)" in found[0].reason


def test_england_and_wales_neither_seals_nor_excludes_a_prea_tick() -> None:
    # PREA is US law; an E&W form never asks it, and a stray value changes nothing.
    case = case_view(prea=True, staff_named=OFFICER)

    assert plugins.prisons.querela_register_confidentiality_minimums(ew(), case) == ()
    assert plugins.prisons.querela_register_excluded_staff(ew(), case) == ()
    assert flags(ew(), case) == {}


@pytest.mark.parametrize(("form", "restricted"), [("comp2", True), ("comp1", False), (None, False)])
def test_a_comp2_is_restricted_to_those_handling_it(form: str | None, restricted: bool) -> None:
    case = case_view(**({"form": form} if form else {}))
    found = plugins.prisons.querela_register_confidentiality_minimums(ew(), case)

    if not restricted:
        assert found == ()
        return
    [minimum] = found
    assert minimum.level == "restricted"
    assert "COMP2" in minimum.reason and "Prisoner Complaints Policy Framework" in minimum.reason


# -- what the final reply must say ---------------------------------------------------------------


def unmet(view: TenantView, case: CaseView, text: str, response_kind: str) -> list[str]:
    """The codes a letter saying ``text`` leaves unmet, checked as the core checks them."""
    folded = re.sub(r"\s+", " ", text).casefold()
    found = plugins.prisons.querela_register_required_content(view, case, response_kind)
    return [
        r.code
        for r in found
        if not any(re.sub(r"\s+", " ", p).casefold() in folded for p in r.phrases)
    ]


PPO_CODES = ["ppo_referral_right", "ppo_website"]
PPO_TEXT = (
    "If you are unhappy with this reply you may complain to the Prisons and Probation"
    " Ombudsman within three months: www.ppo.gov.uk."
)


@pytest.mark.parametrize(
    ("view", "case", "response_kind", "codes"),
    [
        # The COMP1A answer ends the internal process: the Ombudsman comes next.
        pytest.param(
            ew(), replace(case_view(), appeal_level=1), "appeal", PPO_CODES, id="comp1a-answer"
        ),
        # A COMP2 needs no appeal: its reply is the final reply.
        pytest.param(ew(), case_view(form="comp2"), "final", PPO_CODES, id="comp2-reply"),
        # The COMP1 reply is not final: the prisoner may appeal on a COMP1A first.
        pytest.param(ew(), case_view(form="comp1"), "final", [], id="comp1-reply"),
        pytest.param(ew(), case_view(form="comp2"), "holding", [], id="holding"),
        pytest.param(us(), replace(case_view(), appeal_level=1), "appeal", [], id="us"),
    ],
)
def test_the_final_reply_names_the_ombudsman(
    view: TenantView, case: CaseView, response_kind: str, codes: list[str]
) -> None:
    assert unmet(view, case, "We have looked into your complaint.", response_kind) == codes
    assert unmet(view, case, PPO_TEXT, response_kind) == []


def test_the_ombudsman_requirements_say_what_is_asked() -> None:
    found = plugins.prisons.querela_register_required_content(
        ew(), case_view(form="comp2"), "final"
    )

    assert {r.code: tuple(r.phrases) for r in found} == {
        "ppo_referral_right": ("Prisons and Probation Ombudsman",),
        "ppo_website": ("ppo.gov.uk",),
    }
    assert all("Ombudsman" in r.description for r in found)


# -- taxonomy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "kind", "field"),
    [(us(), "grievance_type", "grievance_type"), (ew(), "complaint_subject", "complaint_subject")],
)
def test_the_taxonomy_is_the_jurisdictions_and_staff_record_it(
    view: TenantView, kind: str, field: str
) -> None:
    terms = list(plugins.prisons.querela_register_taxonomy(view))

    assert {t.kind for t in terms} == {kind}
    assert all(CODE.fullmatch(t.code) and KIND.fullmatch(t.kind) for t in terms)
    assert all(t.label and t.parent is None for t in terms)
    codes = [t.code for t in terms]
    assert len(codes) == len(set(codes)) and "other" in codes
    assert list(fields(view)[field].choices) == codes


def test_the_us_grievance_types_keep_prea_apart() -> None:
    codes = {t.code for t in plugins.prisons.querela_register_taxonomy(us())}

    assert {
        "prea_sexual_abuse",
        "prea_sexual_harassment",
        "staff_conduct",
        "medical",
        "conditions",
        "property",
        "discipline",
        "other",
    } == codes


# -- the appeal ladder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "ladder"),
    [
        (
            us(),
            [
                ("BP-10 appeal to the Regional Director", 20, 30, "calendar", "supervisor"),
                ("BP-11 appeal to the General Counsel", 30, 40, "calendar", "tenant-admin"),
            ],
        ),
        (ew(), [("COMP1A appeal", 7, 5, "business", "supervisor")]),
    ],
    ids=["us", "england-wales"],
)
def test_each_jurisdiction_keeps_its_appeal_ladder(
    view: TenantView, ladder: list[tuple[str, int, int, str, str]]
) -> None:
    found = plugins.prisons.querela_appeal_levels_for_case(view, case_view())

    assert [
        (a.name, a.window_days, a.response_days, a.counting, a.handler_role) for a in found
    ] == ladder
    for level in found:
        assert level.citation
        assert (level.calendar is not None) is (level.counting == "business")


def test_a_us_level_not_answered_in_time_counts_as_a_denial_and_e_and_w_does_not() -> None:
    us_ladder = plugins.prisons.querela_appeal_levels_for_case(us(), case_view())
    ew_ladder = plugins.prisons.querela_appeal_levels_for_case(ew(), case_view())

    assert [level.deemed_denial for level in us_ladder] == [True, True]  # 28 CFR 542.18
    assert [level.deemed_denial for level in ew_ladder] == [False]


def test_a_sensitive_request_answered_by_the_region_leaves_only_the_bp11() -> None:
    found = plugins.prisons.querela_appeal_levels_for_case(us(), case_view(sensitive=True))

    assert [(a.name, a.window_days, a.response_days) for a in found] == [
        ("BP-11 appeal to the General Counsel", 30, 40)
    ]


def new_york(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("levels", "bp10_days", "bp11_days"),
    [
        # Nothing decided yet: the whole 90 days are left, more than either level's own.
        pytest.param((), 30, 40, id="undecided"),
        # Filed 15 January, answered 5 March (49 days): 41 left, more than the BP-10's 30.
        pytest.param(((1, 15), (3, 5)), 30, 40, id="answered-day-49"),
        # Answered 10 April (85 days): 5 days left for any appeal.
        pytest.param(((1, 15), (4, 10)), 5, 5, id="answered-day-85"),
        # The 90 days used up (deemed denied on 15 April): a level still gets one day.
        pytest.param(((1, 15), None), 1, 1, id="deemed-day-90"),
    ],
)
def test_a_prea_appeal_gets_what_is_left_of_the_90_days(
    levels: tuple[tuple[int, int], tuple[int, int] | None] | tuple[()],
    bp10_days: int,
    bp11_days: int,
) -> None:
    view = replace(us(), timezone="America/New_York")
    case = case_view(new_york(1, 15), prea=True)
    if levels:
        opened, answered = levels
        first = LevelView(
            level=0,
            opened_at=new_york(*opened),
            answered_at=new_york(*answered) if answered else None,
            deemed_denied_at=None if answered else new_york(4, 15, 23),
        )
        case = replace(case, levels=(first,))

    found = plugins.prisons.querela_appeal_levels_for_case(view, case)

    assert [a.response_days for a in found] == [bp10_days, bp11_days]
    assert all("115.52(d)" in a.citation for a in found)


# -- retaliation checks (follow-up tasks) -------------------------------------------------------


def test_a_grievance_against_staff_gets_retaliation_checks_at_30_60_90_days() -> None:
    view = replace(us(), timezone="America/New_York")
    case = case_view(new_york(3, 6, 14), staff_named=OFFICER)

    tasks = plugins.prisons.querela_register_follow_up_tasks(view, case)

    # 6 March + 30 = 5 April; + 60 = 5 May; + 90 = 4 June; each to the end of the day.
    assert [t.due_at for t in tasks] == [
        datetime.combine(date(2026, m, d), time.max, tzinfo=ZoneInfo("America/New_York"))
        for m, d in ((4, 5), (5, 5), (6, 4))
    ]
    assert all(t.citation == "28 CFR 115.67(c)" for t in tasks)
    assert "continue" in tasks[-1].title and "continue" not in tasks[0].title
    assert all(OFFICER not in t.title for t in tasks)


@pytest.mark.parametrize(
    ("view", "fields", "watched"),
    [
        pytest.param(us(), {"prea": True}, True, id="prea-report"),
        pytest.param(us(), {}, False, id="no-staff-no-prea"),
        pytest.param(ew(), {"staff_named": OFFICER}, False, id="england-wales"),
    ],
)
def test_a_prea_report_is_watched_too_and_other_grievances_are_not(
    view: TenantView, fields: dict[str, Any], watched: bool
) -> None:
    case = case_view(**fields)

    tasks = plugins.prisons.querela_register_follow_up_tasks(view, case)
    codes = {f.code for f in plugins.prisons.querela_register_risk_flags(view, case)}

    assert bool(tasks) is watched
    assert ("retaliation_watch" in codes) is watched


# -- a BOP Request's own rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"informal_resolution": "not_attempted"}, {"no_informal_resolution"},
                     id="bp8-skipped"),
        pytest.param({"informal_resolution": "attempted"}, set(), id="bp8-tried"),
        pytest.param({"informal_resolution": "not_required"}, set(), id="bp8-waived"),
        pytest.param({"filed_by": "family"}, {"filed_for_another"}, id="someone-else"),
        pytest.param({"filed_by": "self"}, set(), id="own"),
        # PREA: no informal step (115.52(b)(3)), third parties may file (115.52(e)).
        pytest.param({"prea": True, "informal_resolution": "not_attempted", "filed_by": "family",
                      "victim_agrees": True}, set(), id="prea"),
        # A sensitive Request goes straight to the region (542.14(d)(1)).
        pytest.param({"sensitive": True, "informal_resolution": "not_attempted"}, set(),
                     id="sensitive"),
    ],
)  # fmt: skip
def test_a_request_should_follow_informal_resolution_and_be_the_inmates_own(
    fields: dict[str, Any], expected: set[str]
) -> None:
    found = set(flags(us(), case_view(**fields))) & {"no_informal_resolution", "filed_for_another"}

    assert found == expected
