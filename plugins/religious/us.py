"""US: the states a concern may arise in, and what staff are told about reporting it.

Whether clergy must report child abuse to the civil authorities depends on the
state (about 26 states name clergy as mandated reporters; others make everyone
one). The per-state table, with its date and source, is ``mandated_reporters.py``.
"""

from __future__ import annotations

from plugins.religious import mandated_reporters

#: (code, English, German, Russian, Estonian): the 50 states and the District of Columbia,
#: by their USPS codes in lower case.
STATES = (
    ("ak", "Alaska", "Alaska", "Аляска", "Alaska"),
    ("al", "Alabama", "Alabama", "Алабама", "Alabama"),
    ("ar", "Arkansas", "Arkansas", "Арканзас", "Arkansas"),
    ("az", "Arizona", "Arizona", "Аризона", "Arizona"),
    ("ca", "California", "Kalifornien", "Калифорния", "California"),
    ("co", "Colorado", "Colorado", "Колорадо", "Colorado"),
    ("ct", "Connecticut", "Connecticut", "Коннектикут", "Connecticut"),
    ("dc", "District of Columbia", "District of Columbia", "Округ Колумбия", "Columbia ringkond"),
    ("de", "Delaware", "Delaware", "Делавэр", "Delaware"),
    ("fl", "Florida", "Florida", "Флорида", "Florida"),
    ("ga", "Georgia", "Georgia", "Джорджия", "Georgia"),
    ("hi", "Hawaii", "Hawaii", "Гавайи", "Hawaii"),
    ("ia", "Iowa", "Iowa", "Айова", "Iowa"),
    ("id", "Idaho", "Idaho", "Айдахо", "Idaho"),
    ("il", "Illinois", "Illinois", "Иллинойс", "Illinois"),
    ("in", "Indiana", "Indiana", "Индиана", "Indiana"),
    ("ks", "Kansas", "Kansas", "Канзас", "Kansas"),
    ("ky", "Kentucky", "Kentucky", "Кентукки", "Kentucky"),
    ("la", "Louisiana", "Louisiana", "Луизиана", "Louisiana"),
    ("ma", "Massachusetts", "Massachusetts", "Массачусетс", "Massachusetts"),
    ("md", "Maryland", "Maryland", "Мэриленд", "Maryland"),
    ("me", "Maine", "Maine", "Мэн", "Maine"),
    ("mi", "Michigan", "Michigan", "Мичиган", "Michigan"),
    ("mn", "Minnesota", "Minnesota", "Миннесота", "Minnesota"),
    ("mo", "Missouri", "Missouri", "Миссури", "Missouri"),
    ("ms", "Mississippi", "Mississippi", "Миссисипи", "Mississippi"),
    ("mt", "Montana", "Montana", "Монтана", "Montana"),
    ("nc", "North Carolina", "North Carolina", "Северная Каролина", "Põhja-Carolina"),
    ("nd", "North Dakota", "North Dakota", "Северная Дакота", "Põhja-Dakota"),
    ("ne", "Nebraska", "Nebraska", "Небраска", "Nebraska"),
    ("nh", "New Hampshire", "New Hampshire", "Нью-Гэмпшир", "New Hampshire"),
    ("nj", "New Jersey", "New Jersey", "Нью-Джерси", "New Jersey"),
    ("nm", "New Mexico", "New Mexico", "Нью-Мексико", "New Mexico"),
    ("nv", "Nevada", "Nevada", "Невада", "Nevada"),
    ("ny", "New York", "New York", "Нью-Йорк", "New York"),
    ("oh", "Ohio", "Ohio", "Огайо", "Ohio"),
    ("ok", "Oklahoma", "Oklahoma", "Оклахома", "Oklahoma"),
    ("or", "Oregon", "Oregon", "Орегон", "Oregon"),
    ("pa", "Pennsylvania", "Pennsylvania", "Пенсильвания", "Pennsylvania"),
    ("ri", "Rhode Island", "Rhode Island", "Род-Айленд", "Rhode Island"),
    ("sc", "South Carolina", "South Carolina", "Южная Каролина", "Lõuna-Carolina"),
    ("sd", "South Dakota", "South Dakota", "Южная Дакота", "Lõuna-Dakota"),
    ("tn", "Tennessee", "Tennessee", "Теннесси", "Tennessee"),
    ("tx", "Texas", "Texas", "Техас", "Texas"),
    ("ut", "Utah", "Utah", "Юта", "Utah"),
    ("va", "Virginia", "Virginia", "Виргиния", "Virginia"),
    ("vt", "Vermont", "Vermont", "Вермонт", "Vermont"),
    ("wa", "Washington", "Washington", "Вашингтон", "Washington"),
    ("wi", "Wisconsin", "Wisconsin", "Висконсин", "Wisconsin"),
    ("wv", "West Virginia", "West Virginia", "Западная Виргиния", "Lääne-Virginia"),
    ("wy", "Wyoming", "Wyoming", "Вайоминг", "Wyoming"),
)
STATE_CODES = tuple(row[0] for row in STATES)


def reporting_notice(state: str | None) -> str:
    """What staff are told about the duty to report to the civil authorities in ``state``.

    From the per-state table of ``mandated_reporters.py``, with its date.
    """
    return mandated_reporters.reporting_notice(state)
