"""What the religious plugin gives England and US tenants: settings, fields, who sees a case."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

import plugins.religious
from core.letters.services import KINDS, VARIABLES
from core.plugins.host import PluginHost
from core.plugins.services import settings_schema, validate_settings
from core.sdk import CaseView, IntakeField, IntakeSubmission, LetterTemplate, RiskFlag, TenantView
from tests.unit.plugins.views import case_view, tenant_view

LANGUAGES = {"de", "ru", "et"}
STAFF = {"phone", "letter", "in_person", "email", "kiosk", "api"}
PUBLIC = {*STAFF, "web"}
CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
KIND = re.compile(r"[a-z][a-z_]{0,39}")
CURATE = "curate@diocese.example.org"


def tenant(**settings: Any) -> TenantView:
    return tenant_view("religious", "religious", **settings)


def england(**settings: Any) -> TenantView:
    return tenant(jurisdiction="england", **settings)


def us(**settings: Any) -> TenantView:
    return replace(tenant(jurisdiction="us", **settings), timezone="America/New_York")


def unknown() -> TenantView:
    return tenant(jurisdiction="scotland")


# -- settings ------------------------------------------------------------------------------------


def test_the_new_settings_have_no_defaults_so_leaving_them_out_keeps_the_old_ones() -> None:
    host = PluginHost(autoload=False)
    host.register(plugins.religious)
    schema = settings_schema(host, "religious")

    assert validate_settings(schema, {}) == {"jurisdiction": "england", "denomination": "other"}
    chosen = {
        "jurisdiction": "us",
        "denomination": "catholic",
        "safeguarding_team": "Diocesan safeguarding",
        "next_authority_team": "Senior suffragan",
        "clergy_conduct_measure_from": "2027-01-01",
    }
    assert validate_settings(schema, chosen) == chosen
    settings = {s.name: s for s in schema}
    assert "Left empty: Safeguarding." in settings["safeguarding_team"].help
    assert "Left empty: Next authority." in settings["next_authority_team"].help
    assert "Left empty: the Clergy Discipline Measure 2003" in (
        settings["clergy_conduct_measure_from"].help
    )
    assert settings["clergy_conduct_measure_from"].type == "date"


# -- fields --------------------------------------------------------------------------------------


def fields(view: TenantView) -> dict[str, IntakeField]:
    found = plugins.religious.querela_register_intake_fields(view)
    names = [f.name for f in found]
    assert len(names) == len(set(names)), Counter(names)
    return {f.name: f for f in found}


#: name: (type, asked at intake, channels (empty: none, recorded on the case), sensitive)
BOTH = {
    "concern_type": ("choice", True, PUBLIC, False),
    "immediate_risk": ("boolean", True, PUBLIC, False),
    "diocese": ("string", True, STAFF, False),
    "victim_group": ("choice", True, PUBLIC, False),
    "accused_role": ("choice", True, PUBLIC, False),
    "accused_staff": ("string", True, STAFF, True),
    "misconduct_date": ("date", True, PUBLIC, False),
    "conflict_of_interest": ("boolean", True, STAFF, False),
    "abuse_type": ("multichoice", False, set(), False),
    "police_reference": ("string", False, set(), True),
    "referred_statutory_on": ("date", False, set(), False),
}
ENGLAND = {
    **BOTH,
    "religious_community": ("boolean", True, STAFF, False),
    "sexual_misconduct_child_or_vulnerable": ("boolean", True, PUBLIC, False),
    "late_permission": ("choice", False, set(), False),
    "late_permission_reason": ("text", False, set(), True),
    "serious_incident": ("boolean", False, set(), False),
    "referred_dsa_on": ("date", False, set(), False),
}
US = {**BOTH, "us_state": ("choice", True, PUBLIC, False)}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        pytest.param(tenant(), ENGLAND, id="england-default"),
        pytest.param(england(), ENGLAND, id="england"),
        pytest.param(us(), US, id="us"),
        pytest.param(unknown(), {}, id="unknown"),
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


@pytest.mark.parametrize("view", [england(), us()], ids=["england", "us"])
def test_every_field_speaks_four_languages(view: TenantView) -> None:
    for field in fields(view).values():
        assert set(field.labels) == LANGUAGES, field.name
        assert set(field.helps) == LANGUAGES, field.name
        assert all(field.label_in(language) != field.label for language in LANGUAGES), field.name
        assert field.help and all(field.helps.values())
        if field.choices:
            assert set(field.choice_labels) == {"en", *LANGUAGES}, field.name
            for language, words in field.choice_labels.items():
                assert list(words) == list(field.choices), (field.name, language)
                assert all(words.values()), (field.name, language)


@pytest.mark.parametrize(
    ("view", "name", "choices"),
    [
        (england(), "concern_type", ["safeguarding", "clergy_conduct", "vel_report", "complaint"]),
        (us(), "victim_group", ["child", "vulnerable_adult", "adult", "not_known"]),
        (
            england(),
            "abuse_type",
            [
                "physical",
                "sexual",
                "emotional",
                "neglect",
                "spiritual",
                "domestic",
                "financial",
                "online",
                "other",
            ],
        ),
        (
            us(),
            "accused_role",
            ["clergy", "religious", "lay_minister", "employee", "volunteer", "other"],
        ),
        (england(), "late_permission", ["granted", "refused"]),
    ],
)
def test_choices_are_the_codes_the_reports_count(
    view: TenantView, name: str, choices: list[str]
) -> None:
    assert list(fields(view)[name].choices) == choices


def test_the_state_is_one_of_the_fifty_and_dc_by_lower_case_code() -> None:
    state = fields(us())["us_state"]

    assert len(state.choices) == len(set(state.choices)) == 51
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in state.choices)
    assert {"dc", "ca", "ny", "tx", "wy"} <= set(state.choices)
    assert state.choice_in("ca", "de") == "Kalifornien"
    assert state.choice_in("nc", "et") == "Põhja-Carolina"


def test_the_fields_are_worded_for_the_jurisdiction() -> None:
    assert "999" in fields(england())["immediate_risk"].help
    assert "911" in fields(us())["immediate_risk"].help
    assert "911" in fields(us())["immediate_risk"].help_in("ru")
    assert "one year" in fields(england())["misconduct_date"].help
    assert "one year" not in fields(us())["misconduct_date"].help
    assert "social care" in fields(england())["referred_statutory_on"].label
    assert "protective services" in fields(us())["referred_statutory_on"].help


# -- intake problems -----------------------------------------------------------------------------


def submission(**fields: Any) -> IntakeSubmission:
    return IntakeSubmission(
        channel="phone",
        subject="Concern about a curate",
        description="A parent raised a concern about the youth group.",
        category=None,
        severity="normal",
        language="en",
        # 23:30 UTC on 1 June is 00:30 on 2 June in London, 19:30 on 1 June in New York.
        received_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC),
        fields=fields,
    )


@pytest.mark.parametrize(
    ("view", "fields", "problems"),
    [
        pytest.param(england(), {"accused_staff": CURATE}, [], id="e-mail"),
        pytest.param(england(), {"accused_staff": f" {CURATE} "}, [], id="e-mail-spaces"),
        pytest.param(us(), {"accused_staff": "Father Brown"}, ["e-mail address"], id="a-name"),
        pytest.param(england(), {"accused_staff": "curate@diocese"}, ["e-mail"], id="no-domain"),
        pytest.param(england(), {"misconduct_date": "2026-06-02"}, [], id="london-today"),
        pytest.param(england(), {"misconduct_date": "2026-06-03"}, ["later than"], id="tomorrow"),
        # In New York it is still 1 June: 2 June has not come yet.
        pytest.param(us(), {"misconduct_date": "2026-06-02"}, ["later than"], id="new-york"),
        pytest.param(england(), {"misconduct_date": "1998-06-01"}, [], id="long-ago"),
        pytest.param(unknown(), {"accused_staff": "Father Brown"}, [], id="unknown"),
    ],
)
def test_impossible_values_are_refused_with_the_field_named(
    view: TenantView, fields: dict[str, Any], problems: list[str]
) -> None:
    found = plugins.religious.querela_register_intake_problems(view, submission(**fields))

    assert len(found) == len(problems)
    for issue, words in zip(found, problems, strict=True):
        assert issue.field == f"fields.{next(iter(fields))}"
        assert words in issue.message


# -- who may see the case ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "fields", "level", "words"),
    [
        pytest.param(
            england(), {"concern_type": "safeguarding"}, "sealed", "need to know", id="sg-england"
        ),
        pytest.param(us(), {"concern_type": "safeguarding"}, "sealed", "state law", id="sg-us"),
        pytest.param(england(), {"immediate_risk": True}, "sealed", "need to know", id="danger"),
        pytest.param(
            england(), {"concern_type": "vel_report"}, "sealed", "not told", id="vel-england"
        ),
        pytest.param(us(), {"concern_type": "vel_report"}, "sealed", "not told", id="vel-us"),
        pytest.param(
            england(), {"concern_type": "clergy_conduct"}, "restricted", "clergy", id="clergy"
        ),
        pytest.param(us(), {"concern_type": "clergy_conduct"}, None, None, id="clergy-us"),
        pytest.param(england(), {"concern_type": "complaint"}, None, None, id="complaint"),
        pytest.param(england(), {}, None, None, id="not-said"),
        pytest.param(england(), {"concern_type": "gossip"}, None, None, id="unknown-type"),
    ],
)
def test_safeguarding_and_vos_estis_are_sealed(
    view: TenantView, fields: dict[str, Any], level: str | None, words: str | None
) -> None:
    found = plugins.religious.querela_register_confidentiality_minimums(view, case_view(**fields))

    if level is None:
        assert found == ()
        return
    [minimum] = found
    assert minimum.level == level
    assert words is not None and words in minimum.reason


@pytest.mark.parametrize(
    ("view", "concern_type", "words"),
    [
        (england(), "safeguarding", "safeguarding concern is about them"),
        (england(), "clergy_conduct", "person complained about never handles it"),
        (england(), "vel_report", "not told at the outset"),
        (us(), "vel_report", "not told at the outset"),
        (us(), "complaint", "a complaint about themselves"),
        (england(), None, "a complaint about themselves"),
    ],
)
def test_the_person_a_case_is_about_never_handles_or_sees_it(
    view: TenantView, concern_type: str | None, words: str
) -> None:
    case = case_view(
        accused_staff=f" {CURATE} ", **({"concern_type": concern_type} if concern_type else {})
    )

    [excluded] = plugins.religious.querela_register_excluded_staff(view, case)

    assert excluded.email == CURATE
    assert words in excluded.reason


@pytest.mark.parametrize(
    ("view", "fields"),
    [
        pytest.param(england(), {"concern_type": "vel_report"}, id="nobody-named"),
        pytest.param(england(), {"concern_type": "vel_report", "accused_staff": "  "}, id="blank"),
        pytest.param(unknown(), {"concern_type": "vel_report", "accused_staff": CURATE}, id="unk"),
    ],
)
def test_nobody_is_excluded_without_a_named_member_of_staff(
    view: TenantView, fields: dict[str, Any]
) -> None:
    assert plugins.religious.querela_register_excluded_staff(view, case_view(**fields)) == ()


# -- where the case goes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "fields", "team", "words"),
    [
        pytest.param(
            england(),
            {"concern_type": "vel_report", "conflict_of_interest": True},
            "Next authority",
            "senior suffragan bishop by promotion",
            id="conflict",
        ),
        pytest.param(
            us(next_authority_team=" Province of Baltimore "),
            {"concern_type": "vel_report", "conflict_of_interest": True},
            "Province of Baltimore",
            "art. 8 §2",
            id="conflict-named-team",
        ),
        pytest.param(
            england(), {"concern_type": "vel_report"}, "Safeguarding", "Vos estis", id="vel"
        ),
        pytest.param(
            england(safeguarding_team="Diocesan safeguarding team"),
            {"concern_type": "safeguarding"},
            "Diocesan safeguarding team",
            "safeguarding concern",
            id="safeguarding-named-team",
        ),
        # A conflict of interest only reroutes a Vos estis report.
        pytest.param(
            us(),
            {"concern_type": "safeguarding", "conflict_of_interest": True},
            "Safeguarding",
            "safeguarding concern",
            id="safeguarding-conflict",
        ),
        pytest.param(
            england(), {"immediate_risk": True}, "Safeguarding", "immediate danger", id="danger"
        ),
        pytest.param(england(safeguarding_team="  "), {"concern_type": "safeguarding"},
                     "Safeguarding", "safeguarding", id="blank-setting"),
    ],
)  # fmt: skip
def test_concerns_go_to_the_safeguarding_team_and_conflicts_to_the_next_authority(
    view: TenantView, fields: dict[str, Any], team: str, words: str
) -> None:
    route = plugins.religious.querela_route_for_case(view, case_view(**fields))

    assert route is not None
    assert route.team == team
    assert words in route.reason
    assert route.assignee_email is None


@pytest.mark.parametrize(
    ("view", "fields"),
    [
        pytest.param(england(), {"concern_type": "clergy_conduct"}, id="clergy"),
        pytest.param(england(), {"concern_type": "complaint"}, id="complaint"),
        pytest.param(unknown(), {"concern_type": "safeguarding"}, id="unknown"),
    ],
)
def test_other_cases_are_left_to_the_tenants_routing(
    view: TenantView, fields: dict[str, Any]
) -> None:
    assert plugins.religious.querela_route_for_case(view, case_view(**fields)) is None


# -- notices -------------------------------------------------------------------------------------


def flags(view: TenantView, case: CaseView) -> dict[str, RiskFlag]:
    return {f.code: f for f in plugins.religious.querela_register_risk_flags(view, case)}


def test_a_conflicted_report_is_flagged_in_case_the_tenants_routing_sent_it_elsewhere() -> None:
    view = england(next_authority_team="Senior suffragan")
    case = case_view(concern_type="vel_report", conflict_of_interest=True)

    flag = flags(view, case)["vel_conflict_of_interest"]

    assert flag.urgency == "notice"
    assert "'Senior suffragan'" in flag.message and "Dicastery" in flag.message
    assert "vel_conflict_of_interest" not in flags(view, case_view(concern_type="vel_report"))


@pytest.mark.parametrize(
    ("view", "fields", "notice"),
    [
        pytest.param(us(), {"concern_type": "safeguarding", "us_state": "tx"}, True, id="sg"),
        pytest.param(us(), {"concern_type": "vel_report"}, True, id="vel-no-state"),
        pytest.param(us(), {"immediate_risk": True}, True, id="danger"),
        pytest.param(us(), {"concern_type": "complaint", "us_state": "tx"}, False, id="complaint"),
        pytest.param(us(), {"concern_type": "clergy_conduct"}, False, id="clergy"),
        pytest.param(england(), {"concern_type": "safeguarding"}, False, id="england"),
    ],
)
def test_a_us_concern_about_abuse_says_the_reporting_duty_depends_on_the_state(
    view: TenantView, fields: dict[str, Any], notice: bool
) -> None:
    found = flags(view, case_view(**fields))

    assert ("mandated_reporter" in found) is notice
    if notice:
        flag = found["mandated_reporter"]
        assert flag.urgency == "notice"
        if fields.get("us_state") == "tx":  # the state's rule from the dated table
            assert "In Texas every person" in flag.message and "as of" in flag.message
        else:
            assert "record the state" in flag.message


@pytest.mark.parametrize(
    ("view", "ticked", "notice"),
    [(england(), True, True), (england(), False, False), (us(), True, False)],
    ids=["ticked", "unticked", "us"],
)
def test_a_serious_incident_reminds_the_trustees_to_report_it(
    view: TenantView, ticked: bool, notice: bool
) -> None:
    found = flags(view, case_view(concern_type="safeguarding", serious_incident=ticked))

    assert ("serious_incident_report" in found) is notice
    if notice:
        message = found["serious_incident_report"].message
        assert "Charity Commission" in message and "promptly, fully and frankly" in message


@pytest.mark.parametrize(
    "fields", [{"concern_type": "complaint"}, {"concern_type": "safeguarding"}, {}]
)
def test_a_us_tenant_gets_no_english_record_task(fields: dict[str, Any]) -> None:
    assert plugins.religious.querela_register_follow_up_tasks(us(), case_view(**fields)) == ()


def test_an_ordinary_complaint_gets_no_tasks_in_england() -> None:
    case = case_view(concern_type="complaint", accused_staff=CURATE)

    assert plugins.religious.querela_register_follow_up_tasks(england(), case) == ()


# -- letters -------------------------------------------------------------------------------------

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
VALUES: dict[str, Any] = {name: f"<{name}>" for name in VARIABLES}


def letters(view: TenantView) -> dict[str, LetterTemplate]:
    found = plugins.religious.querela_register_letter_templates(view)
    codes = [t.code for t in found]
    assert len(codes) == len(set(codes))
    return {t.code: t for t in found}


def render(template: LetterTemplate, **values: Any) -> str:
    variables = {**VALUES, **values}
    text = " ".join(ENV.from_string(t).render(variables) for t in (template.subject, template.body))
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    ("view", "codes"),
    [
        (
            england(),
            {
                "religious-safeguarding-acknowledgement-england": "acknowledgement",
                "religious-clergy-conduct-acknowledgement-england": "acknowledgement",
                "religious-final-response-england": "final_response",
            },
        ),
        (
            us(),
            {
                "religious-safeguarding-acknowledgement-us": "acknowledgement",
                "religious-final-response-us": "final_response",
            },
        ),
        (unknown(), {}),
    ],
    ids=["england", "us", "unknown"],
)
def test_each_jurisdiction_offers_its_letters_in_the_cores_kinds(
    view: TenantView, codes: dict[str, str]
) -> None:
    found = letters(view)

    assert {code: t.kind for code, t in found.items()} == codes
    assert {t.kind for t in found.values()} <= set(KINDS)
    for template in found.values():
        # Only the core's variables: anything else fails under StrictUndefined.
        assert "<reference>" in render(template)
        assert template.language == "en"
        assert CODE.fullmatch(template.code)


@pytest.mark.parametrize(
    ("view", "code", "number"),
    [
        (england(), "religious-safeguarding-acknowledgement-england", "call the police on 999 now"),
        (us(), "religious-safeguarding-acknowledgement-us", "call 911 now"),
    ],
    ids=["england", "us"],
)
def test_the_acknowledgement_imposes_no_silence_and_says_how_to_reach_the_police(
    view: TenantView, code: str, number: str
) -> None:
    text = render(letters(view)[code])

    assert number in text
    assert "You are free to talk about what you have reported" in text
    assert "nobody may require you to stay silent" in text
    assert "Vos estis lux mundi (2023) art. 4 §3" in text
    assert "only with those who need to know" in text
    # Never the opposite: nothing in it asks the reporter to keep quiet.
    assert not re.search(r"(please|must|should) (keep|treat) (this|it) (confidential|secret)", text)


def test_the_clergy_conduct_acknowledgement_states_the_time_limit_and_its_exception() -> None:
    text = render(letters(england())["religious-clergy-conduct-acknowledgement-england"])

    assert "within one year of the misconduct" in text
    assert "president of tribunals" in text
    assert "no time limit for a complaint of sexual misconduct towards a child" in text


@pytest.mark.parametrize("redress", ["", "An apology from the parish"])
def test_the_final_response_renders_with_and_without_redress(redress: str) -> None:
    template = letters(england())["religious-final-response-england"]

    text = render(template, redress=redress, actions="")

    assert "<response>" in text and "Outcome: <outcome>." in text
    assert ("What we will put right: An apology" in text) is bool(redress)
    assert "What we are changing" not in text
    assert "remain free to talk about your concern" in text


# -- taxonomy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", [england(), us()], ids=["england", "us"])
def test_the_taxonomy_gives_the_concern_and_abuse_types_staff_record(view: TenantView) -> None:
    terms = list(plugins.religious.querela_register_taxonomy(view))

    assert {t.kind for t in terms} == {"concern_type", "abuse_type"}
    assert all(CODE.fullmatch(t.code) and KIND.fullmatch(t.kind) for t in terms)
    assert all(t.label and t.parent is None for t in terms)
    for kind in ("concern_type", "abuse_type"):
        codes = [t.code for t in terms if t.kind == kind]
        assert list(fields(view)[kind].choices) == codes
        assert fields(view)[kind].choice_labels["en"] == {
            t.code: t.label for t in terms if t.kind == kind
        }


# -- an unknown jurisdiction ---------------------------------------------------------------------


EVERYTHING = case_view(
    datetime(2026, 3, 15, 9, tzinfo=UTC),
    concern_type="vel_report",
    immediate_risk=True,
    conflict_of_interest=True,
    accused_staff=CURATE,
    misconduct_date="2020-01-01",
    serious_incident=True,
)


@pytest.mark.parametrize(
    "hook",
    [
        "querela_register_deadlines",
        "querela_register_risk_flags",
        "querela_register_follow_up_tasks",
        "querela_register_confidentiality_minimums",
        "querela_register_excluded_staff",
    ],
)
def test_an_unknown_jurisdiction_gets_no_rules(hook: str) -> None:
    # The same case gets something from England: the rules are there, the tenant is not theirs.
    assert getattr(plugins.religious, hook)(england(), EVERYTHING)
    assert getattr(plugins.religious, hook)(unknown(), EVERYTHING) == ()


def test_an_unknown_jurisdiction_gets_no_route_fields_terms_or_letters() -> None:
    view = unknown()

    assert plugins.religious.querela_route_for_case(view, EVERYTHING) is None
    assert plugins.religious.querela_register_intake_fields(view) == ()
    assert plugins.religious.querela_register_taxonomy(view) == ()
    assert plugins.religious.querela_register_letter_templates(view) == ()
