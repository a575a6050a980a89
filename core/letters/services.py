"""Composing letters: the tenant's template for the kind and language, else the default.

Templates are Jinja2 rendered in a sandbox, with a fixed set of variables: a
tenant administrator edits wording, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from core.audit import services as audit
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.letters.tables import LetterTemplate
from core.plugins.host import PluginHost, plugin_host
from core.plugins.services import tenant_plugins
from core.tenancy.context import current_tenant
from core.text import has_control_characters

#: Kinds of letter the core sends.
KINDS = (
    "acknowledgement",
    "holding_response",
    "summary_resolution",
    "final_response",
    "appeal_response",
    "survey_invitation",
)
#: Languages a tenant can word its letters in.
LANGUAGES = ("en", "de", "ru", "et")
#: Longest subject (the column's width) and body a tenant's template may have.
SUBJECT_MAX = 300
BODY_MAX = 20_000
#: Variables every template may use.
VARIABLES = (
    "reference",
    "organisation",
    "complainant",
    "received_date",
    "subject",
    "outcome",
    "redress",
    "actions",
    "response",
    "appeal_level",
    "survey_link",
)
#: Variables a kind of letter is useless without; a tenant's own wording must keep them.
REQUIRED: dict[str, tuple[str, ...]] = {"survey_invitation": ("survey_link",)}

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("acknowledgement", "en"): (
        "We have received your complaint {{ reference }}",
        "Dear {{ complainant }},\n\n"
        'thank you for your complaint of {{ received_date }} about "{{ subject }}". '
        "We have registered it under the reference {{ reference }}; please quote it "
        "whenever you write to us.\n\n"
        "We will look into it and answer you in writing.\n\n"
        "{{ organisation }}\n",
    ),
    ("acknowledgement", "de"): (
        "Ihre Beschwerde {{ reference }} ist eingegangen",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        'vielen Dank für Ihre Beschwerde vom {{ received_date }} zu "{{ subject }}". '
        "Wir haben sie unter dem Aktenzeichen {{ reference }} erfasst; bitte geben Sie "
        "es bei jeder Nachricht an.\n\n"
        "Wir prüfen Ihr Anliegen und antworten Ihnen schriftlich.\n\n"
        "{{ organisation }}\n",
    ),
    ("final_response", "en"): (
        "Our answer to your complaint {{ reference }}",
        "Dear {{ complainant }},\n\n"
        "we have finished looking into your complaint {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Outcome: {{ outcome }}.\n"
        "{% if redress %}Redress: {{ redress }}\n{% endif %}"
        "{% if actions %}What we will do: {{ actions }}\n{% endif %}\n"
        "{{ organisation }}\n",
    ),
    ("appeal_response", "en"): (
        "Our answer to your appeal on {{ reference }}",
        "Dear {{ complainant }},\n\n"
        "we have reviewed your appeal (level {{ appeal_level }}) on complaint {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Outcome: {{ outcome }}.\n\n"
        "{{ organisation }}\n",
    ),
    ("survey_invitation", "en"): (
        "How did we handle your complaint {{ reference }}?",
        "Dear {{ complainant }},\n\n"
        "your complaint {{ reference }} is closed. Would you tell us how satisfied you are "
        "with the way we handled it? It takes a minute:\n\n"
        "{{ survey_link }}\n\n"
        "The link works once, and only for this complaint. If you would rather not answer, "
        "ignore this message.\n\n"
        "{{ organisation }}\n",
    ),
    ("survey_invitation", "de"): (
        "Wie zufrieden waren Sie mit der Bearbeitung Ihrer Beschwerde {{ reference }}?",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        "Ihre Beschwerde {{ reference }} ist abgeschlossen. Würden Sie uns sagen, wie "
        "zufrieden Sie mit der Bearbeitung sind? Es dauert nur eine Minute:\n\n"
        "{{ survey_link }}\n\n"
        "Der Link funktioniert einmal und nur für diese Beschwerde. Wenn Sie nicht antworten "
        "möchten, ignorieren Sie diese Nachricht einfach.\n\n"
        "{{ organisation }}\n",
    ),
    ("acknowledgement", "ru"): (
        "Мы получили вашу жалобу {{ reference }}",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Благодарим вас за жалобу от {{ received_date }} по теме «{{ subject }}». "
        "Мы зарегистрировали её под номером {{ reference }}; пожалуйста, указывайте его "
        "в каждом письме к нам.\n\n"
        "Мы рассмотрим жалобу и ответим вам в письменной форме.\n\n"
        "{{ organisation }}\n",
    ),
    ("acknowledgement", "et"): (
        "Oleme teie kaebuse {{ reference }} kätte saanud",
        "Lugupeetud {{ complainant }}\n\n"
        "Täname teid {{ received_date }} esitatud kaebuse eest teemal „{{ subject }}“. "
        "Registreerisime selle viitenumbriga {{ reference }}; palun märkige see igasse "
        "kirja, mille meile saadate.\n\n"
        "Uurime asja ja vastame teile kirjalikult.\n\n"
        "{{ organisation }}\n",
    ),
    ("holding_response", "en"): (
        "Your complaint {{ reference }}: our answer is not ready yet",
        "Dear {{ complainant }},\n\n"
        "we have not yet finished looking into your complaint {{ reference }} of "
        "{{ received_date }}, and we are sorry for the wait.\n\n"
        "{{ response }}\n\n"
        "We will write to you again with our answer.\n\n"
        "{{ organisation }}\n",
    ),
    ("holding_response", "de"): (
        "Ihre Beschwerde {{ reference }}: unsere Antwort steht noch aus",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        "wir haben die Prüfung Ihrer Beschwerde {{ reference }} vom {{ received_date }} "
        "noch nicht abgeschlossen und bitten um Entschuldigung für die Wartezeit.\n\n"
        "{{ response }}\n\n"
        "Wir schreiben Ihnen wieder, sobald unsere Antwort vorliegt.\n\n"
        "{{ organisation }}\n",
    ),
    ("holding_response", "ru"): (
        "Ваша жалоба {{ reference }}: ответ ещё готовится",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Мы ещё не завершили рассмотрение вашей жалобы {{ reference }} от "
        "{{ received_date }} и приносим извинения за ожидание.\n\n"
        "{{ response }}\n\n"
        "Мы напишем вам снова, когда ответ будет готов.\n\n"
        "{{ organisation }}\n",
    ),
    ("holding_response", "et"): (
        "Teie kaebus {{ reference }}: vastus on alles koostamisel",
        "Lugupeetud {{ complainant }}\n\n"
        "Me ei ole teie {{ received_date }} esitatud kaebuse {{ reference }} läbivaatamist "
        "veel lõpetanud ja vabandame ootamise pärast.\n\n"
        "{{ response }}\n\n"
        "Kirjutame teile uuesti, kui vastus on valmis.\n\n"
        "{{ organisation }}\n",
    ),
    ("summary_resolution", "en"): (
        "Your complaint {{ reference }} is resolved",
        "Dear {{ complainant }},\n\n"
        "thank you for letting us put right what you complained about on {{ received_date }} "
        "(reference {{ reference }}). As agreed, we consider the complaint resolved.\n\n"
        "{{ response }}\n\n"
        "{% if redress %}Redress: {{ redress }}\n\n{% endif %}"
        "{{ organisation }}\n",
    ),
    ("summary_resolution", "de"): (
        "Ihre Beschwerde {{ reference }} ist erledigt",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        "vielen Dank, dass wir Ihr Anliegen vom {{ received_date }} (Aktenzeichen "
        "{{ reference }}) klären konnten. Wie besprochen betrachten wir die Beschwerde als "
        "erledigt.\n\n"
        "{{ response }}\n\n"
        "{% if redress %}Ausgleich: {{ redress }}\n\n{% endif %}"
        "{{ organisation }}\n",
    ),
    ("summary_resolution", "ru"): (
        "Ваша жалоба {{ reference }} урегулирована",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Благодарим за возможность исправить то, на что вы пожаловались {{ received_date }} "
        "(номер {{ reference }}). Как мы договорились, мы считаем жалобу урегулированной.\n\n"
        "{{ response }}\n\n"
        "{% if redress %}Возмещение: {{ redress }}\n\n{% endif %}"
        "{{ organisation }}\n",
    ),
    ("summary_resolution", "et"): (
        "Teie kaebus {{ reference }} on lahendatud",
        "Lugupeetud {{ complainant }}\n\n"
        "Täname, et saime lahendada teie {{ received_date }} esitatud kaebuse "
        "(viitenumber {{ reference }}). Nagu kokku leppisime, loeme kaebuse lahendatuks.\n\n"
        "{{ response }}\n\n"
        "{% if redress %}Hüvitis: {{ redress }}\n\n{% endif %}"
        "{{ organisation }}\n",
    ),
    ("final_response", "de"): (
        "Unsere Antwort auf Ihre Beschwerde {{ reference }}",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        "wir haben die Prüfung Ihrer Beschwerde {{ reference }} abgeschlossen.\n\n"
        "{{ response }}\n\n"
        "Ergebnis: {{ outcome }}.\n"
        "{% if redress %}Ausgleich: {{ redress }}\n{% endif %}"
        "{% if actions %}Was wir unternehmen: {{ actions }}\n{% endif %}\n"
        "{{ organisation }}\n",
    ),
    ("final_response", "ru"): (
        "Наш ответ на вашу жалобу {{ reference }}",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Мы завершили рассмотрение вашей жалобы {{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Решение: жалоба {{ outcome }}.\n"
        "{% if redress %}Возмещение: {{ redress }}\n{% endif %}"
        "{% if actions %}Что мы сделаем: {{ actions }}\n{% endif %}\n"
        "{{ organisation }}\n",
    ),
    ("final_response", "et"): (
        "Vastus teie kaebusele {{ reference }}",
        "Lugupeetud {{ complainant }}\n\n"
        "Oleme teie kaebuse {{ reference }} läbi vaadanud.\n\n"
        "{{ response }}\n\n"
        "Otsus: kaebus {{ outcome }}.\n"
        "{% if redress %}Hüvitis: {{ redress }}\n{% endif %}"
        "{% if actions %}Mida me ette võtame: {{ actions }}\n{% endif %}\n"
        "{{ organisation }}\n",
    ),
    ("appeal_response", "de"): (
        "Unsere Antwort auf Ihren Widerspruch zu {{ reference }}",
        "Guten Tag{% if complainant %} {{ complainant }}{% endif %},\n\n"
        "wir haben Ihren Widerspruch (Stufe {{ appeal_level }}) zur Beschwerde "
        "{{ reference }} geprüft.\n\n"
        "{{ response }}\n\n"
        "Ergebnis: {{ outcome }}.\n\n"
        "{{ organisation }}\n",
    ),
    ("appeal_response", "ru"): (
        "Наш ответ на вашу апелляцию по жалобе {{ reference }}",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Мы рассмотрели вашу апелляцию (уровень {{ appeal_level }}) по жалобе "
        "{{ reference }}.\n\n"
        "{{ response }}\n\n"
        "Решение: жалоба {{ outcome }}.\n\n"
        "{{ organisation }}\n",
    ),
    ("appeal_response", "et"): (
        "Vastus teie edasikaebusele kaebuse {{ reference }} kohta",
        "Lugupeetud {{ complainant }}\n\n"
        "Oleme läbi vaadanud teie edasikaebuse (tase {{ appeal_level }}) kaebuse "
        "{{ reference }} kohta.\n\n"
        "{{ response }}\n\n"
        "Otsus: kaebus {{ outcome }}.\n\n"
        "{{ organisation }}\n",
    ),
    ("survey_invitation", "ru"): (
        "Как мы рассмотрели вашу жалобу {{ reference }}?",
        "Здравствуйте{% if complainant %}, {{ complainant }}{% endif %}!\n\n"
        "Рассмотрение вашей жалобы {{ reference }} завершено. Расскажите, пожалуйста, "
        "насколько вы довольны тем, как мы с ней работали. Это займёт минуту:\n\n"
        "{{ survey_link }}\n\n"
        "Ссылка действует один раз и только для этой жалобы. Если не хотите отвечать, "
        "просто оставьте это письмо без ответа.\n\n"
        "{{ organisation }}\n",
    ),
    ("survey_invitation", "et"): (
        "Kuidas me teie kaebusega {{ reference }} tegelesime?",
        "Lugupeetud {{ complainant }}\n\n"
        "Teie kaebuse {{ reference }} menetlus on lõppenud. Kas ütleksite meile, kui rahul "
        "olete sellega, kuidas me seda menetlesime? See võtab ühe minuti:\n\n"
        "{{ survey_link }}\n\n"
        "Link töötab üks kord ja ainult selle kaebuse jaoks. Kui te ei soovi vastata, "
        "jätke see kiri tähelepanuta.\n\n"
        "{{ organisation }}\n",
    ),
}

#: The outcome of a decision in the words of each letter language (the core's codes
#: arrive as "upheld", "partly upheld", "not upheld").
OUTCOME_WORDS: dict[str, dict[str, str]] = {
    "de": {
        "upheld": "stattgegeben",
        "partly upheld": "teilweise stattgegeben",
        "not upheld": "nicht stattgegeben",
    },
    "ru": {
        "upheld": "удовлетворена",
        "partly upheld": "удовлетворена частично",
        "not upheld": "не удовлетворена",
    },
    "et": {
        "upheld": "rahuldatud",
        "partly upheld": "osaliselt rahuldatud",
        "not upheld": "jäetud rahuldamata",
    },
}
#: How a letter addresses a complainant whose name it does not know (empty: the
#: language's templates then greet without a name).
UNNAMED: dict[str, str] = {
    "en": "complainant",
    "de": "",
    "ru": "",
    "et": "kaebuse esitaja",
}


@dataclass(frozen=True, slots=True)
class Letter:
    """A composed letter."""

    kind: str
    language: str
    subject: str
    body: str


async def compose(kind: str, language: str, variables: dict[str, Any]) -> Letter:
    """Render the tenant's (or the default) template of ``kind`` in ``language``."""
    subject_template, body_template, used = await _template(kind, language)
    values = {name: variables.get(name, "") for name in VARIABLES}
    if values["complainant"] in ("", UNNAMED["en"]):
        values["complainant"] = UNNAMED.get(used, UNNAMED["en"])
    values["outcome"] = OUTCOME_WORDS.get(used, {}).get(values["outcome"], values["outcome"])
    try:
        subject = _ENV.from_string(subject_template).render(values).strip()
        body = _ENV.from_string(body_template).render(values)
    except TemplateError as exc:
        raise InvalidInput("template", f"cannot be rendered: {exc}") from exc
    return Letter(kind=kind, language=used, subject=subject, body=body)


class TemplateRefused(InvalidInput):
    """A tenant's wording that cannot be used; ``problem`` says why in one word.

    ``problem`` is ``syntax`` (``detail`` quotes the template engine), ``required``
    (``detail`` names the variable the kind needs), ``too_long``, ``empty`` or
    ``control``.
    """

    def __init__(self, field: str, problem: str, reason: str, detail: str = "") -> None:
        super().__init__(field, reason)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, slots=True)
class TemplateText:
    """The wording a letter of one kind and language is sent in, and where it comes from."""

    kind: str
    language: str
    subject: str
    body: str
    #: ``own`` (the tenant's), ``default`` (Querela's, in this language) or ``fallback``
    #: (Querela's in ``used``, as there is none in this language).
    source: str
    used: str


@dataclass(frozen=True, slots=True)
class OfferedTemplate:
    """A template a plugin the tenant enabled offers for copying into its own wording."""

    plugin: str
    code: str
    kind: str
    language: str
    subject: str
    body: str


def sample_values() -> dict[str, str]:
    """Made-up values a letter is previewed with."""
    tenant = current_tenant()
    return {
        "reference": f"{tenant.reference_prefix}-2026-000123",
        "organisation": tenant.name,
        "complainant": "Ada Example",
        "received_date": "2026-01-31",
        "subject": "Claim payment delayed",
        "outcome": "partly upheld",
        "redress": "A refund of 40 EUR",
        "actions": "We will answer claims within ten days.",
        "response": "We have looked into your claim and the delay was ours.",
        "appeal_level": "1",
        "survey_link": "https://example.org/s/sample",
    }


def check_template(kind: str, language: str, subject: str, body: str) -> None:
    """Refuse wording that cannot be sent: each field on its own, ``TemplateRefused``."""
    if kind not in KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(KINDS)}")
    if language not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}")
    for field, text, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        if not text.strip():
            raise TemplateRefused(field, "empty", "must not be empty")
        if len(text) > limit:
            raise TemplateRefused(field, "too_long", f"must be at most {limit:,} characters")
        if has_control_characters(text, multiline=field == "body"):
            raise TemplateRefused(field, "control", "must not contain control characters")
    sample = {name: f"<{name}>" for name in VARIABLES}
    rendered = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            rendered[field] = _ENV.from_string(text).render(sample)
        except TemplateError as exc:
            raise TemplateRefused(
                field, "syntax", f"is not a valid template: {exc}", str(exc)
            ) from exc
    for name in REQUIRED.get(kind, ()):
        if sample[name] not in rendered["body"]:
            raise TemplateRefused(
                "body", "required", f"a {kind.replace('_', ' ')} needs {{{{ {name} }}}}", name
            )


async def save_template(kind: str, language: str, subject: str, body: str, *, actor: str) -> None:
    """Store the tenant's own template, after checking it renders with sample values."""
    check_template(kind, language, subject, body)
    tenant = current_tenant()
    existing = (
        await LetterTemplate.select(LetterTemplate.id)
        .where((LetterTemplate.kind == kind) & (LetterTemplate.language == language))
        .first()
    )
    now = datetime.now(UTC)
    if existing:
        await LetterTemplate.update(
            {
                LetterTemplate.subject: subject,
                LetterTemplate.body: body,
                LetterTemplate.updated_by: actor,
                LetterTemplate.updated_at: now,
            }
        ).where(LetterTemplate.id == existing["id"])
    else:
        await LetterTemplate.insert(
            LetterTemplate(
                id=uuid7(),
                tenant_id=tenant.id,
                kind=kind,
                language=language,
                subject=subject,
                body=body,
                updated_by=actor,
                updated_at=now,
            )
        )
    await audit.record(
        "letter_template.saved", actor=actor, detail={"kind": kind, "language": language}
    )


async def reset_template(kind: str, language: str, *, actor: str) -> bool:
    """Drop the tenant's own wording so the default applies again; False if it had none."""
    if kind not in KINDS or language not in LANGUAGES:
        raise NotFound(f"there is no letter {kind!r} in {language!r}")
    deleted = (
        await LetterTemplate.delete()
        .where((LetterTemplate.kind == kind) & (LetterTemplate.language == language))
        .returning(LetterTemplate.id)
    )
    if deleted:
        await audit.record(
            "letter_template.reset", actor=actor, detail={"kind": kind, "language": language}
        )
    return bool(deleted)


async def own_templates() -> set[tuple[str, str]]:
    """(kind, language) of every letter the tenant has worded itself."""
    rows = await LetterTemplate.select(LetterTemplate.kind, LetterTemplate.language)
    return {(r["kind"], r["language"]) for r in rows}


async def template_text(kind: str, language: str) -> TemplateText:
    """The wording a letter of ``kind`` in ``language`` goes out in today."""
    if kind not in KINDS or language not in LANGUAGES:
        raise NotFound(f"there is no letter {kind!r} in {language!r}")
    row = (
        await LetterTemplate.select(LetterTemplate.subject, LetterTemplate.body)
        .where((LetterTemplate.kind == kind) & (LetterTemplate.language == language))
        .first()
    )
    if row:
        return TemplateText(kind, language, row["subject"], row["body"], "own", language)
    if (kind, language) in DEFAULTS:
        subject, body = DEFAULTS[(kind, language)]
        return TemplateText(kind, language, subject, body, "default", language)
    subject, body, used = await _template(kind, language)
    return TemplateText(kind, language, subject, body, "fallback", used)


def preview(kind: str, language: str, subject: str, body: str) -> Letter:
    """The letter ``subject`` and ``body`` would make, with sample values; nothing is stored."""
    check_template(kind, language, subject, body)
    values = sample_values()
    values["outcome"] = OUTCOME_WORDS.get(language, {}).get(values["outcome"], values["outcome"])
    try:
        rendered_subject = _ENV.from_string(subject).render(values).strip()
        rendered_body = _ENV.from_string(body).render(values)
    except TemplateError as exc:
        raise TemplateRefused("body", "syntax", f"cannot be rendered: {exc}", str(exc)) from exc
    return Letter(kind=kind, language=language, subject=rendered_subject, body=rendered_body)


async def offered_templates(host: PluginHost | None = None) -> list[OfferedTemplate]:
    """Templates the tenant's enabled plugins offer, for kinds and languages Querela sends."""
    host = host or plugin_host()
    state = await tenant_plugins(host)
    outcome = await host.call(
        "querela_register_letter_templates", state.enabled, tenant=state.view()
    )
    return [
        OfferedTemplate(plugin, t.code, t.kind, t.language, t.subject, t.body)
        for plugin, t in outcome.flattened()
        if t.kind in KINDS and t.language in LANGUAGES
    ]


async def _template(kind: str, language: str) -> tuple[str, str, str]:
    for lang in dict.fromkeys((language, current_tenant().default_language, "en")):
        row = (
            await LetterTemplate.select(LetterTemplate.subject, LetterTemplate.body)
            .where((LetterTemplate.kind == kind) & (LetterTemplate.language == lang))
            .first()
        )
        if row:
            return row["subject"], row["body"], lang
        if (kind, lang) in DEFAULTS:
            subject, body = DEFAULTS[(kind, lang)]
            return subject, body, lang
    raise InvalidInput("kind", f"there is no template for {kind!r}")
