"""What the plugin's reports share: the SDK's period and dates, and a code's label."""

from __future__ import annotations

from collections.abc import Mapping

from core.sdk import long_date, report_period

__all__ = ["label_of", "long_date", "report_period"]


def label_of(labels: Mapping[str, str], value: object) -> str:
    """What a recorded code says; a code the plugin does not know is printed as recorded."""
    if value is None or value == "":
        return ""
    return labels.get(str(value), str(value))
