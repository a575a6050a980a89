"""Texts of the public pages in every supported language."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to main content",
        "language": "Language",
        "platform_title": "Querela complaint handling",
        "platform_lead": (
            "Querela receives, investigates and answers complaints for the organisations"
            " it serves. Each organisation has its own address."
        ),
        "tenant_title": "Complaints to {name}",
        "tenant_lead": (
            "You can tell {name} about something that went wrong. Every complaint is"
            " registered, acknowledged in writing and answered."
        ),
        "api_note": "Organisations connect their systems through the API:",
        "api_docs": "API documentation",
    },
    "de": {
        "skip": "Zum Hauptinhalt springen",
        "language": "Sprache",
        "platform_title": "Querela Beschwerdemanagement",
        "platform_lead": (
            "Querela nimmt Beschwerden für die angeschlossenen Organisationen entgegen,"
            " prüft und beantwortet sie. Jede Organisation hat ihre eigene Adresse."
        ),
        "tenant_title": "Beschwerden an {name}",
        "tenant_lead": (
            "Hier können Sie {name} mitteilen, was schiefgelaufen ist. Jede Beschwerde wird"
            " erfasst, schriftlich bestätigt und beantwortet."
        ),
        "api_note": "Organisationen binden ihre Systeme über die API an:",
        "api_docs": "API-Dokumentation",
    },
    "ru": {
        "skip": "Перейти к основному содержанию",
        "language": "Язык",
        "platform_title": "Querela: работа с жалобами",
        "platform_lead": (
            "Querela принимает, расследует и отвечает на жалобы для обслуживаемых"
            " организаций. У каждой организации свой адрес."
        ),
        "tenant_title": "Жалобы в {name}",
        "tenant_lead": (
            "Здесь вы можете сообщить {name} о том, что пошло не так. Каждая жалоба"
            " регистрируется, её получение подтверждается письменно, и на неё дают ответ."
        ),
        "api_note": "Организации подключают свои системы через API:",
        "api_docs": "Документация API",
    },
    "et": {
        "skip": "Liigu põhisisu juurde",
        "language": "Keel",
        "platform_title": "Querela kaebuste menetlemine",
        "platform_lead": (
            "Querela võtab vastu, uurib ja vastab kaebustele teenindatavate"
            " organisatsioonide nimel. Igal organisatsioonil on oma aadress."
        ),
        "tenant_title": "Kaebused: {name}",
        "tenant_lead": (
            "Siin saate teatada organisatsioonile {name}, mis läks valesti. Iga kaebus"
            " registreeritakse, selle kättesaamist kinnitatakse kirjalikult ja sellele vastatakse."
        ),
        "api_note": "Organisatsioonid ühendavad oma süsteemid API kaudu:",
        "api_docs": "API dokumentatsioon",
    },
}
