"""Helpers for the fields a plugin declares: built in every language, and read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.sdk.values import FieldType, IntakeField, TaxonomyEntry

#: A text in each language, by language code.
Words = Mapping[str, str]
#: What the help of a sensitive field adds, in each language the core speaks.
PERSONAL_DATA: Words = {
    "en": "Personal data: kept out of logs and audit details.",
    "de": "Personenbezogene Daten: werden nicht in Protokollen und Audit-Details gespeichert.",
    "ru": "Персональные данные: не попадают в журналы и сведения аудита.",
    "et": "Isikuandmed: neid ei salvestata logidesse ega auditi üksikasjadesse.",
}


def personal(words: Words) -> dict[str, str]:
    """``words`` by language, each followed by what ``PERSONAL_DATA`` says in that language."""
    return {language: f"{text} {PERSONAL_DATA[language]}" for language, text in words.items()}


def translated_field(
    name: str,
    kind: FieldType,
    label: str,
    labels: Words,
    help: str,
    helps: Words,
    *,
    channels: Sequence[str] = (),
    choice_labels: Mapping[str, Words] | None = None,
    sensitive: bool = False,
    at_intake: bool = True,
) -> IntakeField:
    """A field with its label and help in English and in ``labels``, ``helps`` by language.

    A choice field's choices are the keys of its English choice labels. ``channels``:
    where it is asked (empty: everywhere). ``at_intake=False``: staff record it on the
    case while handling it; no form asks for it, so it has no channels.
    """
    words = dict(choice_labels or {})
    return IntakeField(
        name=name,
        type=kind,
        label=label,
        help=help,
        choices=tuple(words.get("en", {})),
        channels=tuple(channels) if at_intake else (),
        sensitive=sensitive,
        labels=dict(labels),
        helps=dict(helps),
        choice_labels=words,
        at_intake=at_intake,
    )


def translated(codes: Sequence[str], **languages: Sequence[str]) -> dict[str, Words]:
    """Choice labels by language, each list in the order of ``codes``.

    ``translated(("n", "s"), de=("Nord", "Süd"))`` -> ``{"de": {"n": "Nord", "s": "Süd"}}``;
    a list of another length is a ``ValueError`` naming the language.
    """
    for language, words in languages.items():
        if len(words) != len(codes):
            raise ValueError(f"{language}: {len(words)} labels for {len(codes)} choices")
    return {language: dict(zip(codes, words, strict=True)) for language, words in languages.items()}


def choices_of(entries: Sequence[TaxonomyEntry], **languages: Sequence[str]) -> dict[str, Words]:
    """The choice labels of taxonomy terms: their own English labels, ``languages`` in order."""
    codes = [e.code for e in entries]
    return {"en": {e.code: e.label for e in entries}, **translated(codes, **languages)}


def date_field(fields: Mapping[str, Any], name: str) -> date | None:
    """The date a date field holds (the core stores ISO text); None when missing or not one."""
    value = fields.get(name)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def ticked(source: Any, name: str) -> bool:
    """Whether the boolean field ``name`` of a case or a submission (``.fields``) is true."""
    return source.fields.get(name) is True
