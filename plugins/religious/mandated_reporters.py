"""US: whether clergy must report suspected child abuse, state by state, with its date.

Plugin data, not law. Read from the Child Welfare Information Gateway (the U.S.
Children's Bureau's State Statutes series): the factsheet "Clergy as Mandatory
Reporters of Child Abuse and Neglect" (current through April 2019), which lists
the states that name clergy among mandated reporters and the states where every
person must report, and its per-state pages "Clergy as Mandatory Reporters" and
"Mandatory Reporting of Child Abuse and Neglect" (most dated May 2023). Where no
Gateway state page was found, the statute's own text was read instead; the
entry's ``note`` says so.

Each entry holds what was read and when (``as_of``: the first of the month the
text read is dated). ``verified`` is False where the texts read disagree or a
later change was reported but not confirmed: such an entry has no citation, and
its notice tells staff that Querela could not confirm the rule. Nothing here
says how a report is made, to whom or how fast: the notice sends staff to the
current statute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from core.sdk import long_date

#: The edition of the Gateway's state pages the table follows (May 2023).
AS_OF = date(2023, 5, 1)
#: The Gateway factsheet's date, for states confirmed only by its 2019 lists.
FACTSHEET_2019 = date(2019, 4, 1)
#: When the table was last compared with the source.
CHECKED_ON = date(2026, 11, 24)
SOURCE = (
    "Child Welfare Information Gateway (U.S. Children's Bureau), State Statutes series:"
    " 'Clergy as Mandatory Reporters of Child Abuse and Neglect' (factsheet current through"
    " April 2019, state pages dated May 2023) and 'Mandatory Reporting of Child Abuse and"
    " Neglect' state pages"
)
#: Where a state's page is: "{state}" is its name in lower case, words joined by "-".
SOURCE_URL = (
    "https://www.childwelfare.gov/resources/clergy-mandatory-reporters-child-abuse-and-neglect-"
    "{state}/"
)


@dataclass(frozen=True, slots=True)
class StateRule:
    """Whether clergy in one state must report suspected child abuse, as the source read says."""

    #: Two-letter code, lower case: "tx".
    code: str
    name: str
    #: The statute names clergy (or ministers, priests, rabbis) among mandated reporters.
    clergy_named: bool
    #: The statute makes every person report ("any person"), clergy included.
    everyone_reports: bool
    #: The reporting statute as the source gives it; empty where it was not confirmed.
    citation: str = ""
    #: What the source says of clergy-penitent privilege limits on the duty, in short.
    privilege: str = ""
    #: False where the texts read disagree or a later change was not confirmed.
    verified: bool = True
    #: The date of the text read (the first of its month).
    as_of: date = AS_OF
    note: str = ""

    @property
    def place(self) -> str:
        """The state's name as a sentence uses it: "Texas", "the District of Columbia"."""
        return f"the {self.name}" if self.code == "dc" else self.name


def _state(
    code: str,
    name: str,
    clergy_named: bool,
    everyone_reports: bool,
    citation: str = "",
    privilege: str = "",
    *,
    verified: bool = True,
    as_of: date = AS_OF,
    note: str = "",
) -> StateRule:
    return StateRule(
        code, name, clergy_named, everyone_reports, citation, privilege, verified, as_of, note
    )


_RULES = (
    _state("al", "Alabama", True, False, "Ala. Code § 26-14-3(a)",
           "Need not report what was learned solely in a confidential communication privileged"
           " under Ala. R. Evid. 505 (§ 26-14-3(f))."),
    _state("ak", "Alaska", False, False, verified=False,
           note="The Gateway's Alaska page (May 2023, Alaska Stat. § 47.17.020) does not list"
           " clergy, but its 2015 factsheet listed Alaska among the states that do and other"
           " summaries say clergy are listed now."),
    _state("az", "Arizona", True, False, "Ariz. Rev. Stat. § 13-3620",
           "May withhold a confidential communication or confession received as clergy where"
           " reasonable and necessary within the religion; not personal observations"
           " (§ 13-3620(A)).", as_of=FACTSHEET_2019),
    _state("ar", "Arkansas", True, False, "Ark. Code § 12-18-402",
           "Need not report what was learned through communications the religious discipline"
           " requires to be confidential, or from the alleged offender's statement of admission."),
    _state("ca", "California", True, False, "Cal. Penal Code § 11165.7(a)",
           "Need not report what was learned during a penitential communication; the duty"
           " stands when acting in another capacity (§ 11166(d))."),
    _state("co", "Colorado", True, False, "Colo. Rev. Stat. § 19-3-304",
           "Need not report what was learned only in a communication privileged under"
           " § 13-90-107(1)(c), unless also learned from another source."),
    _state("ct", "Connecticut", True, False, "Conn. Gen. Stat. § 17a-101",
           as_of=FACTSHEET_2019),
    _state("de", "Delaware", False, True, "Del. Code tit. 16, § 903",
           "The priest-penitent privilege for a sacramental confession, and attorney-client,"
           " survive; no other privilege excuses a report (§ 909)."),
    _state("dc", "District of Columbia", False, False, verified=False,
           note="The Gateway's page (May 2023, D.C. Code § 4-1321.02) does not list clergy and"
           " lets others report; press reports (2019) describe a separate duty on every adult to"
           " report suspected sexual abuse of a child under 16 to the police, not confirmed here."),
    _state("fl", "Florida", False, True, "Fla. Stat. § 39.201",
           "Only the clergy-penitent (§ 90.505) and attorney-client privileges survive"
           " (§ 39.204)."),
    _state("ga", "Georgia", True, False, "Ga. Code § 19-7-5",
           "Need not report what was learned solely in confession or a similar communication"
           " required to be confidential; must report what is learned from any other source."),
    _state("hi", "Hawaii", True, False, "Haw. Rev. Stat. § 350-1.1",
           "Need not report what was learned solely during a penitential communication; must"
           " report what is learned from any other source.",
           note="Added in 2020: not in the Gateway's 2019 list."),
    _state("id", "Idaho", False, True, "Idaho Code § 16-1605",
           "A duly ordained minister need not report a confession or confidential communication"
           " made in an ecclesiastical capacity, on the conditions of § 16-1605(3)."),
    _state("il", "Illinois", True, False, "325 ILCS 5/4",
           "May claim the privilege of 735 ILCS 5/8-803 for confessions, admissions and what was"
           " learned as a spiritual adviser."),
    _state("in", "Indiana", False, True, "Ind. Code § 31-33-5-1", as_of=FACTSHEET_2019,
           note="Listed in the Gateway's 2019 factsheet; the statute's text was read."),
    _state("ia", "Iowa", False, False, "Iowa Code § 232.69",
           note="Bills to add clergy were proposed in 2003 and 2009."),
    _state("ks", "Kansas", False, False, "Kan. Stat. § 38-2223",
           note="Bills to add ordained ministers were before the legislature from 2023 (H.B."
           " 2352 in 2026)."),
    _state("ky", "Kentucky", False, True, "Ky. Rev. Stat. § 620.030",
           "The clergy-penitent and attorney-client privileges survive; no other privilege"
           " excuses a report."),
    _state("la", "Louisiana", True, False, "La. Children's Code art. 603(17)",
           "Need not report a confidential communication (Code of Evidence art. 511(A)(2)), but"
           " must encourage the person to report."),
    _state("me", "Maine", True, False, "Me. Rev. Stat. tit. 22, § 4011-A(1)",
           "Except for information received during confidential communications"
           " (§ 4011-A(1)(A)(27)).", as_of=FACTSHEET_2019,
           note="Listed in the Gateway's 2019 factsheet; the statute's text was read."),
    _state("md", "Maryland", False, True, "Md. Code, Fam. Law § 5-705",
           "A minister, clergyman or priest need not report matter from a communication covered"
           " by Cts. & Jud. Proc. § 9-111, made in the course of church discipline and bound to"
           " confidentiality (§ 5-705(a)(3)).", as_of=FACTSHEET_2019),
    _state("ma", "Massachusetts", True, False, "Mass. Gen. Laws ch. 119, § 51A",
           "Need not report what was learned solely in a confession or similarly confidential"
           " communication.", as_of=FACTSHEET_2019,
           note="Listed in the Gateway's 2019 factsheet; the 2002 amending act was read."),
    _state("mi", "Michigan", True, False, "Mich. Comp. Laws § 722.623", as_of=FACTSHEET_2019),
    _state("mn", "Minnesota", True, False, "Minn. Stat. § 260E.06",
           "Need not report information privileged under § 595.02(1)(c).",
           note="For information received while engaged in ministerial duties."),
    _state("ms", "Mississippi", True, True, "Miss. Code § 43-21-353",
           "The statute does not address it."),
    _state("mo", "Missouri", True, False, "Mo. Rev. Stat. §§ 210.115; 352.400",
           "A minister need not report a privileged communication made in a professional"
           " capacity (§ 352.400; § 210.140)."),
    _state("mt", "Montana", True, False, "Mont. Code §§ 41-3-201; 15-6-201(2)(b)",
           "Need not report a confidential statement or confession made to them as clergy"
           " without the maker's consent, or a communication canon law, church doctrine or"
           " practice requires to be confidential (§ 41-3-201).",
           note="A 2025 bill (S.B. 139) proposed removing the exemption."),
    _state("ne", "Nebraska", False, True, "Neb. Rev. Stat. § 28-711",
           "§ 28-714 does not address clergy communications.", as_of=FACTSHEET_2019),
    _state("nv", "Nevada", True, False, "Nev. Rev. Stat. § 432B.220",
           "The clergy-penitent privilege covers what was learned in a religious confession."),
    _state("nh", "New Hampshire", True, True, "N.H. Rev. Stat. § 169-C:29",
           "Only the attorney-client privilege survives: clergy privilege is no ground for not"
           " reporting (§ 169-C:32)."),
    _state("nj", "New Jersey", False, True, "N.J. Stat. § 9:6-8.10"),
    _state("nm", "New Mexico", True, True, "N.M. Stat. § 32A-4-3",
           "A clergy member need not report privileged information."),
    _state("ny", "New York", False, False, "N.Y. Soc. Serv. Law § 413", as_of=date(2020, 1, 1),
           note="Read in the statute's 2020 compilation; any person may report (§ 414). Bills"
           " to add clergy (the CARE Act) were pending in 2023."),
    _state("nc", "North Carolina", False, True, "N.C. Gen. Stat. § 7B-301",
           "No privilege but a narrow attorney-client one excuses a report (§ 7B-310)."),
    _state("nd", "North Dakota", True, False, "N.D. Cent. Code § 50-25.1-03(1)",
           "Need not report what was learned in the capacity of a spiritual adviser.",
           as_of=FACTSHEET_2019,
           note="For information received in an official or professional capacity; the"
           " Gateway's text read as quoted on another site."),
    _state("oh", "Ohio", True, False, "Ohio Rev. Code § 2151.421", as_of=FACTSHEET_2019,
           note="Listed in the Gateway's 2019 factsheet; the statute makes a cleric report abuse"
           " caused by another cleric or church leader (§ 2151.421(A)(4)(a))."),
    _state("ok", "Oklahoma", False, True, "Okla. Stat. tit. 10A, § 1-2-101",
           "No privilege or contract relieves anyone of the duty."),
    _state("or", "Oregon", True, False, "Or. Rev. Stat. §§ 419B.005; 419B.010",
           "Need not report a communication privileged under §§ 40.225-40.295."),
    _state("pa", "Pennsylvania", True, False, "23 Pa. C.S. § 6311",
           "Confidential communications to clergy protected by 42 Pa. C.S. § 5943 remain"
           " protected (§ 6311.1)."),
    _state("ri", "Rhode Island", False, True, "R.I. Gen. Laws § 40-11-3",
           "All privileges but attorney-client are set aside (§ 40-11-11)."),
    _state("sc", "South Carolina", True, False, "S.C. Code § 63-7-310"),
    _state("sd", "South Dakota", False, False, "S.D. Codified Laws § 26-8A-3",
           as_of=date(2021, 3, 1),
           note="Read in the 2021 amendment of § 26-8A-3; any person may report. Bills to add"
           " clergy failed in 2019 and 2020."),
    _state("tn", "Tennessee", False, True, "Tenn. Code §§ 37-1-403(a); 37-1-605(a)",
           "Clergy cannot be required to testify to confidential communications (§ 24-1-206);"
           " for child sexual abuse no privilege but attorney-client applies (§ 37-1-614).",
           as_of=FACTSHEET_2019),
    _state("tx", "Texas", False, True, "Tex. Fam. Code § 261.101",
           "The duty applies without exception to clergy whose communications may otherwise be"
           " privileged.", as_of=FACTSHEET_2019),
    _state("ut", "Utah", False, True, "Utah Code § 80-2-602",
           "Need not report a perpetrator's confession made directly to them when bound to keep"
           " it confidential; must report what is learned from any other source.",
           note="A 2024 law lets clergy report what a confession reveals (verify)."),
    _state("vt", "Vermont", True, False, "Vt. Stat. tit. 33, § 4913",
           "Need not report a confidential communication made to them as spiritual adviser as an"
           " act of contrition or matter of conscience that religious law requires to be kept"
           " confidential; must report what is learned otherwise."),
    _state("va", "Virginia", True, False, "Va. Code § 63.2-1509",
           "Need not report information religious doctrine requires to be kept confidential, or"
           " that would be privileged under § 8.01-400 or § 19.2-271.3."),
    _state("wa", "Washington", False, False, verified=False,
           note="The Gateway's page (May 2023, Rev. Code § 26.44.030) names only Christian"
           " Science practitioners; a 2025 law (S.B. 5375) reportedly adds clergy, not"
           " confirmed here against the statute."),
    _state("wv", "West Virginia", True, False, "W. Va. Code § 49-2-803",
           "Only the attorney-client privilege survives (§ 49-2-811)."),
    _state("wi", "Wisconsin", True, False, "Wis. Stat. § 48.981",
           "Need not report what was learned solely through confidential communications made"
           " privately or in a confessional setting."),
    _state("wy", "Wyoming", False, True, "Wyo. Stat. § 14-3-205(a)",
           "Only the clergy confession privilege (§ 1-12-101(a)(ii)) may be claimed in"
           " proceedings (§ 14-3-210)."),
)  # fmt: skip

#: Every state and the District of Columbia, by two-letter code (lower case).
STATES: Mapping[str, StateRule] = MappingProxyType({rule.code: rule for rule in _RULES})


def month(day: date) -> str:
    """``day``'s month as people read it: "May 2023"."""
    return long_date(day).partition(" ")[2]


def entry(state_code: str | None) -> StateRule | None:
    """The table's entry for ``state_code`` ("TX", " tx "); None for an unknown or empty one."""
    if not state_code:
        return None
    return STATES.get(state_code.strip().lower())


UNKNOWN_STATE = (
    "Querela does not know which US state's law applies to this case: most states name clergy"
    " as mandated reporters of suspected child abuse or make every person report, so record the"
    " state and check its current statute."
)


def reporting_notice(state_code: str | None) -> str:
    """What staff are told of a clergy member's duty to report child abuse in that state."""
    rule = entry(state_code)
    if rule is None:
        return UNKNOWN_STATE
    dated = f"as of {month(rule.as_of)}; check the current statute."
    if not rule.verified:
        return (
            f"Querela has not confirmed whether clergy in {rule.place} must report suspected"
            f" child abuse. {rule.note} Check the current statute."
        )
    cited = f" ({rule.citation})" if rule.citation else ""
    if rule.clergy_named and rule.everyone_reports:
        duty = (
            f"In {rule.place} clergy are named among mandated reporters of suspected child abuse,"
            f" and every person must report{cited}"
        )
    elif rule.clergy_named:
        duty = f"In {rule.place} clergy are mandated reporters of suspected child abuse{cited}"
    elif rule.everyone_reports:
        duty = (
            f"In {rule.place} every person, clergy included, must report suspected child"
            f" abuse{cited}"
        )
    else:
        duty = (
            f"In {rule.place} clergy are not named as mandated reporters of child abuse and not"
            f" every person must report{cited}; a member of the clergy may still have to report"
            " in another role, such as teacher or counsellor"
        )
    said = rule.privilege
    privilege = f" Confidential communications: {said[:1].lower()}{said[1:]}" if said else ""
    return f"{duty} — {dated}{privilege}"
