"""Helpers for the fields a plugin declares: choice labels in every language, dates read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.sdk.values import TaxonomyEntry

#: A text in each language, by language code.
Words = Mapping[str, str]


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
