"""ACME's plugin against a real Querela core, with the fixtures of Querela's pytest plugin."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import acme_complaints
import pytest

from core.sdk import TenantView

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def querela_plugins() -> Sequence[object]:
    return [acme_complaints]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday morning: five business days later is the next Monday.
        (datetime(2025, 6, 2, 9, 0, tzinfo=LONDON), datetime(2025, 6, 9, 23, 59, 59, 999999)),
        # Friday before Christmas: Christmas Day and Boxing Day are not counted.
        (datetime(2025, 12, 19, 10, 0, tzinfo=LONDON), datetime(2025, 12, 30, 23, 59, 59, 999999)),
        # Late on a Thursday in London is still Thursday, though already Friday in Tokyo.
        (
            datetime(2025, 3, 13, 23, 30, tzinfo=LONDON).astimezone(ZoneInfo("Asia/Tokyo")),
            datetime(2025, 3, 20, 23, 59, 59, 999999),
        ),
    ],
)
async def test_acknowledgement_is_due_after_five_english_business_days(
    querela_register_case: Any, received: datetime, due: datetime
) -> None:
    case = await querela_register_case(received_at=received)

    [deadline] = [d for d in case.deadlines if d.source == "acme_complaints"]
    assert deadline.kind == "acme.acknowledgement"
    assert deadline.source == "acme_complaints"
    assert deadline.due_at == due.replace(tzinfo=LONDON)
    assert deadline.counting == "5 business days (England)"


class TestConfigured:
    @pytest.fixture
    def querela_plugin_settings(self) -> Mapping[str, Mapping[str, Any]]:
        return {"acme_complaints": {"acknowledgement_business_days": 2}}

    async def test_a_tenant_can_shorten_the_acknowledgement_period(
        self, querela_register_case: Any
    ) -> None:
        case = await querela_register_case(received_at=datetime(2025, 6, 2, 9, 0, tzinfo=LONDON))

        [deadline] = [d for d in case.deadlines if d.source == "acme_complaints"]
        assert deadline.due_at == datetime(2025, 6, 4, 23, 59, 59, 999999, tzinfo=LONDON)


def test_a_period_below_one_day_is_refused_with_the_field(querela_host: Any) -> None:
    from core.errors import InvalidInput
    from core.plugins.services import settings_schema, validate_settings

    schema = settings_schema(querela_host, "acme_complaints")

    with pytest.raises(InvalidInput) as refused:
        validate_settings(schema, {"acknowledgement_business_days": 0})
    assert refused.value.field == "settings.acknowledgement_business_days"
    assert validate_settings(schema, {}) == {"acknowledgement_business_days": 5}


def test_the_plugin_offers_its_categories_and_causes() -> None:
    entries = acme_complaints.querela_register_taxonomy(
        TenantView(
            id=uuid.uuid4(),
            slug="acme",
            name="ACME",
            timezone="Europe/London",
            default_language="en",
        )
    )

    causes = {e.code: e.parent for e in entries if e.kind == "cause"}
    assert causes == {
        "acme.delivery.late": "acme.delivery",
        "acme.billing.overcharge": "acme.billing",
    }
