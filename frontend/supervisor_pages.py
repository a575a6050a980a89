"""The supervisor's pages: what needs attention now, KPIs of staff and teams, quality review.

Every figure and list comes from ``core.kpis`` and ``core.quality``, which apply
``core.access.visible``: a case the supervisor may not see is neither listed nor
counted. The handler's own reviews (``/staff/reviews``) are open to any member
of staff; the rest needs a supervisor or a tenant admin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
)

from core.auth.staff import staff_names
from core.deadlines.services import case_deadlines
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.kpis.overview import LIST_LIMIT, overview
from core.kpis.schemas import Kpi, Period
from core.kpis.services import kpis
from core.quality import services as quality
from core.quality.schemas import Period as SamplePeriod
from core.quality.schemas import ReviewIn, SampleIn
from core.routing.teams import list_teams
from frontend.charts import Bar, bar_chart
from frontend.public import PageRefusal, text
from frontend.staff_common import done, form_refused, render_staff, staff_form, staff_page

SUPERVISORS = ("supervisor", "tenant-admin")
PERIODS = ("30d", "90d", "365d")
#: A scorecard's choices per criterion: 1..5, or not applicable.
SCORES = ("1", "2", "3", "4", "5", "na")


def _page(
    request: Request[Any, Any, Any], back: str, roles: tuple[str, ...] = SUPERVISORS
) -> tuple[dict[str, Any], Template | Redirect | None]:
    context, refusal = staff_page(request, back, roles=roles)
    if refusal is None:
        context.update(
            section="supervision",
            actor_name=_actor_namer(context["t"]),
            number=_numberer(context["t"]),
            hours=_hourer(context["t"]),
            criteria=quality.CRITERIA,
            # The chosen language, kept on the pages' own links.
            lq=f"?lang={context['lang']}" if context["lang_chosen"] else "",
            la=f"&lang={context['lang']}" if context["lang_chosen"] else "",
        )
    return context, refusal


# -- the overview -----------------------------------------------------------------------------


@get("/staff/supervision", include_in_schema=False)
async def supervision(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Deadlines breached or due soon, escalations and risks, and open cases per person."""
    context, refusal = _page(request, "/staff/supervision")
    if refusal is not None:
        return refusal
    now = await overview()
    names = await staff_names(_staff_ids(e.escalated_by for e in now.escalations))
    context.update(overview=now, escalators=names, list_limit=LIST_LIMIT)
    return render_staff(request, "supervisor_overview.html", context)


# -- KPIs -------------------------------------------------------------------------------------


@get("/staff/supervision/kpis", include_in_schema=False)
async def supervision_kpis(
    request: Request[Any, Any, Any],
    period: FromQuery[Period] = "30d",
    team: Annotated[str | None, QueryParameter(max_length=36)] = None,
) -> Template | Redirect:
    """KPIs per person and per team over the period, as charts and as tables."""
    context, refusal = _page(request, "/staff/supervision/kpis")
    if refusal is not None:
        return refusal
    teams = await list_teams()
    chosen_team: UUID | None = None
    status = 200
    if team:
        try:
            chosen_team = UUID(team)
        except ValueError:
            status = HTTP_400_BAD_REQUEST
        if chosen_team is not None and chosen_team not in {t.id for t in teams}:
            status, chosen_team = HTTP_400_BAD_REQUEST, None
    report = await kpis(period, chosen_team)
    t = context["t"]
    charts = {
        group: _charts(t, group, rows, context["number"], context["hours"])
        for group, rows in (("people", report.people), ("teams", report.teams))
    }
    context.update(
        report=report,
        teams=teams,
        periods=PERIODS,
        chosen={"period": period, "team": str(chosen_team or "")},
        charts=charts,
        bad_team=status != 200,
        label=lambda kpi, group: (
            kpi.name or t["sup_no_person" if group == "people" else "sup_no_team"]
        ),
    )
    return render_staff(request, "supervisor_kpis.html", context, status=status)


def _charts(
    t: Mapping[str, str],
    group: str,
    rows: list[Kpi],
    number: Callable[[float | None, int], str],
    hours: Callable[[float | None], str],
) -> list[dict[str, Any]]:
    """The charts of a group (people or teams): received, time to close, deadlines on time."""
    unnamed = t["sup_no_person" if group == "people" else "sup_no_team"]

    def name(kpi: Kpi) -> str:
        return kpi.name or unnamed

    def percent(share: float | None) -> str:
        return t["sup_none"] if share is None else f"{number(share * 100, 0)} %"

    figures: list[tuple[str, Callable[[Kpi], float | None], Callable[[Kpi], str]]] = [
        ("received", lambda k: float(k.received), lambda k: number(k.received, 0)),
        (
            "close",
            lambda k: k.median_hours_to_close,
            lambda k: hours(k.median_hours_to_close),
        ),
        ("on_time", lambda k: k.on_time_share, lambda k: percent(k.on_time_share)),
    ]
    charts = []
    for figure, value, shown in figures:
        title = t[f"sup_chart_{figure}_{group}"]
        bars = [(name(k), value(k), shown(k)) for k in rows]
        charts.append(
            {
                "key": f"chart-{group}-{figure}",
                "title": title,
                "column": t[f"sup_chart_{figure}_column"],
                "svg": bar_chart(f"chart-{group}-{figure}", title, [Bar(*b) for b in bars]),
                "rows": [(label, text) for label, _, text in bars],
            }
        )
    return charts


# -- quality review ---------------------------------------------------------------------------


@get("/staff/supervision/quality", include_in_schema=False)
async def quality_reviews(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The reviews drawn so far, and the form that draws more."""
    context, refusal = _page(request, "/staff/supervision/quality")
    if refusal is not None:
        return refusal
    return await _quality_page(request, context)


async def _quality_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    status: int = 200,
    attempt: Mapping[str, Any] | None = None,
) -> Template:
    listed = await quality.list_reviews(context["principal"])
    context.update(
        reviews=listed.items,
        periods=PERIODS,
        attempt=attempt or {"size": "5", "period": "90d"},
        errors=(attempt or {}).get("errors", {}),
    )
    return render_staff(request, "supervisor_quality.html", context, status=status)


@post("/staff/supervision/quality/sample", include_in_schema=False, status_code=303)
async def draw_sample(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Draw closed cases at random for review."""
    context, refusal = _page(request, "/staff/supervision/quality")
    if refusal is not None:
        return refusal
    try:
        form = await staff_form(request)
    except PageRefusal as problem:
        return form_refused(request, context, problem)
    values = {"size": text(form, "size") or "5", "period": text(form, "period") or "90d"}
    errors: dict[str, str] = {}
    size = int(values["size"]) if values["size"].isdecimal() and len(values["size"]) < 4 else 0
    if not 1 <= size <= 50:
        errors["size"] = "sup_err_size"
    if values["period"] not in PERIODS:
        errors["period"] = "sup_err_period"
    if errors:
        attempt = {**values, "errors": errors}
        return await _quality_page(request, context, status=HTTP_400_BAD_REQUEST, attempt=attempt)
    period: SamplePeriod = values["period"]  # type: ignore[assignment]
    drawn = await quality.draw_sample(SampleIn(size=size, period=period), context["principal"])
    return done("/staff/supervision/quality", "sampled" if drawn.items else "sampled_none", request)


@get("/staff/supervision/quality/{review_id:uuid}", include_in_schema=False)
async def quality_review(
    request: Request[Any, Any, Any], review_id: FromPath[UUID]
) -> Template | Redirect:
    """A sampled case's summary and its scorecard."""
    context, refusal = _page(request, f"/staff/supervision/quality/{review_id}")
    if refusal is not None:
        return refusal
    return await _review_page(request, context, review_id)


async def _review_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    review_id: UUID,
    *,
    status: int = 200,
    attempt: Mapping[str, Any] | None = None,
) -> Template:
    try:
        review = await quality.read_review(review_id, context["principal"])
    except NotFound:
        return render_staff(
            request, "supervisor_not_found.html", context, status=HTTP_404_NOT_FOUND
        )
    deadlines = await case_deadlines(review.case_id)
    shown = attempt or {
        "scores": {c: _score_value(review.scores.get(c, 0)) for c in quality.CRITERIA},
        "comment": review.comment,
        "handler_comment": review.handler_comment,
    }
    context.update(
        review=review,
        deadlines=deadlines.deadlines,
        scores=SCORES,
        shown=shown,
        errors=(attempt or {}).get("errors", {}),
        problem=(attempt or {}).get("problem"),
        own_case=review.handler_staff_id == context["principal"].staff_id,
    )
    return render_staff(request, "supervisor_review.html", context, status=status)


@post("/staff/supervision/quality/{review_id:uuid}", include_in_schema=False, status_code=303)
async def save_review(
    request: Request[Any, Any, Any], review_id: FromPath[UUID]
) -> Template | Redirect:
    """Save the scorecard as a draft, or as final (which tells the handler)."""
    path = f"/staff/supervision/quality/{review_id}"
    context, refusal = _page(request, path)
    if refusal is not None:
        return refusal
    try:
        form = await staff_form(request)
    except PageRefusal as problem:
        return form_refused(request, context, problem)
    chosen = {c: text(form, f"score_{c}") for c in quality.CRITERIA}
    shown = {
        "scores": chosen,
        "comment": text(form, "comment"),
        "handler_comment": text(form, "handler_comment"),
    }
    final = text(form, "final") == "1"
    errors: dict[str, str] = {}
    scores: dict[str, int | None] = {}
    for criterion, value in chosen.items():
        if value == "na":
            scores[criterion] = None
        elif value in SCORES:
            scores[criterion] = int(value)
        elif value:
            errors[f"score_{criterion}"] = "sup_err_score"
        elif final:
            errors[f"score_{criterion}"] = "sup_err_score_missing"
    if errors:
        attempt = {**shown, "errors": errors}
        return await _review_page(
            request, context, review_id, status=HTTP_400_BAD_REQUEST, attempt=attempt
        )
    try:
        data = msgspec.convert(
            {
                "scores": scores,
                "comment": shown["comment"],
                "handler_comment": shown["handler_comment"],
                "final": final,
            },
            ReviewIn,
        )
        await quality.save_review(review_id, data, context["principal"])
    except msgspec.ValidationError as problem:
        field = "comment" if "handler_comment" not in str(problem) else "handler_comment"
        attempt = {**shown, "errors": {field: "sup_err_text"}}
        return await _review_page(
            request, context, review_id, status=HTTP_400_BAD_REQUEST, attempt=attempt
        )
    except InvalidInput as problem:
        field = problem.field.replace("scores.", "score_")
        attempt = {**shown, "errors": {field: "sup_err_score_missing"}}
        return await _review_page(
            request, context, review_id, status=HTTP_400_BAD_REQUEST, attempt=attempt
        )
    except Conflict:
        attempt = {**shown, "problem": "sup_err_final"}
        return await _review_page(
            request, context, review_id, status=HTTP_409_CONFLICT, attempt=attempt
        )
    except Forbidden:
        attempt = {**shown, "problem": "sup_err_own_case"}
        return await _review_page(
            request, context, review_id, status=HTTP_403_FORBIDDEN, attempt=attempt
        )
    except NotFound:
        return render_staff(
            request, "supervisor_not_found.html", context, status=HTTP_404_NOT_FOUND
        )
    return done(path, "review_final" if final else "review_saved", request)


# -- the handler's own reviews ----------------------------------------------------------------


@get("/staff/reviews", include_in_schema=False)
async def my_reviews(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The final scorecards of the reader's own cases, with the comments meant for them."""
    context, refusal = _page(request, "/staff/reviews", roles=())
    if refusal is not None:
        return refusal
    context.update(reviews=(await quality.my_reviews(context["principal"])).items)
    context["section"] = "cases"
    return render_staff(request, "supervisor_my_reviews.html", context)


# -- pieces -----------------------------------------------------------------------------------


def _score_value(score: int | None) -> str:
    """How a stored score is shown in the form: "1".."5", "na", or "" when not yet scored."""
    if score is None:
        return "na"
    return str(score) if score else ""


def _staff_ids(actors: Any) -> list[UUID]:
    ids = []
    for actor in actors:
        kind, _, rest = (actor or "").partition(":")
        if kind == "staff":
            try:
                ids.append(UUID(rest))
            except ValueError:
                continue
    return ids


def _actor_namer(t: Mapping[str, str]) -> Callable[[str | None, Mapping[Any, str]], str]:
    """An audit actor in words: a member of staff by name, anyone else by kind."""

    def name(actor: str | None, staff: Mapping[Any, str]) -> str:
        kind, _, rest = (actor or "").partition(":")
        if kind == "staff":
            try:
                return staff.get(UUID(rest), actor or "")
            except ValueError:
                return actor or ""
        if kind in ("public", "receipt", "complainant"):
            return t["sup_actor_complainant"]
        if not actor:
            return t["sup_none"]
        return t["sup_actor_system"]

    return name


def _numberer(t: Mapping[str, str]) -> Callable[[float | None, int], str]:
    """Numbers as the page's language writes them (its decimal mark)."""

    def number(value: float | None, places: int = 1) -> str:
        if value is None:
            return t["sup_none"]
        return f"{value:.{places}f}".replace(".", t["sup_decimal_mark"])

    return number


def _hourer(t: Mapping[str, str]) -> Callable[[float | None], str]:
    """A duration in hours, as hours up to two days and as days beyond."""
    number = _numberer(t)

    def hours(value: float | None) -> str:
        if value is None:
            return t["sup_none"]
        if value < 48:
            return t["sup_hours"].format(n=number(value, 1))
        return t["sup_days"].format(n=number(value / 24, 1))

    return hours
