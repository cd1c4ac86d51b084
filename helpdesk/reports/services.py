"""The reports as people read them: the filters parsed from a form, then each report as a
titled table of numbers (the same numbers its chart draws and its exports hold)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from hijridate import Hijri
from sqlalchemy import select

from helpdesk.accounts.models import Branch, Team
from helpdesk.admin.models import Association
from helpdesk.channels.registry import registered_channels
from helpdesk.db_types import utcnow
from helpdesk.extensions import db
from helpdesk.i18n.dates import gregorian_date, hijri_date, to_riyadh
from helpdesk.i18n.language import current_language
from helpdesk.i18n.normalise import to_ascii_digits
from helpdesk.plugin_api import Capability
from helpdesk.reports import queries
from helpdesk.reports.periods import (
    Period,
    bucket_label,
    gregorian_period,
    hijri_month_period,
    hijri_of,
    month_label,
    period_label,
)
from helpdesk.reports.queries import BACKLOG_AGE_LIMITS, STARS, Filters
from helpdesk.services_catalog.models import Service
from helpdesk.tickets.vocabulary import KINDS

# How a column's numbers read: a count, hours, days, a share, or an average of stars.
COUNT, HOURS, DAYS, PERCENT, AVERAGE = "count", "hours", "days", "percent", "average"
HIJRI, GREGORIAN = "hijri", "gregorian"
NUMBER_LOCALES = {"ar": "ar_SA", "en": "en"}
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


# ---------------------------------------------------------------------------------------
# The filter form

@dataclass(frozen=True)
class FilterForm:
    """The form as typed (kept on errors), the filters it selects and its field errors."""

    values: dict[str, str]
    filters: Filters
    errors: dict[str, str] = field(default_factory=dict)

    def query_args(self) -> dict[str, str]:
        """The arguments that select the same reports (for export and print links)."""
        return {key: value for key, value in self.values.items() if value}


def default_period(today: date | None = None) -> Period:
    """The current Hijri month."""
    today = today or to_riyadh(utcnow()).date()
    return hijri_month_period(*hijri_of(today))


def _int(value: str) -> int:
    return int(to_ascii_digits(value).strip())


def _day(value: str) -> date:
    return date.fromisoformat(to_ascii_digits(value).strip())


def _choice_id(value: str, known: Mapping[int, Any], name: str,
               errors: dict[str, str]) -> int | None:
    if not value:
        return None
    try:
        chosen = _int(value)
    except ValueError:
        chosen = None
    if chosen not in known:
        errors[name] = _("Choose one of the listed values.")
        return None
    return chosen


def parse_filters(args: Mapping[str, str], today: date | None = None) -> FilterForm:
    """Read the form; a bad value gets a message at its field and is left out."""
    keys = ("calendar", "hijri_year", "hijri_month", "from", "to", "channel", "branch",
            "service", "team")
    values = {key: str(args.get(key, "") or "").strip()[:40] for key in keys}
    errors: dict[str, str] = {}
    today = today or to_riyadh(utcnow()).date()
    period = default_period(today)
    calendar = values["calendar"] or HIJRI
    if calendar not in (HIJRI, GREGORIAN):
        errors["calendar"] = _("Choose the Hijri or the Gregorian calendar.")
        calendar = HIJRI
    values["calendar"] = calendar
    if calendar == HIJRI:
        year, month = hijri_of(today)
        if values["hijri_year"] or values["hijri_month"]:
            try:
                year = _int(values["hijri_year"])
            except ValueError:
                errors["hijri_year"] = _("Enter a Hijri year, such as 1448.")
            try:
                month = _int(values["hijri_month"])
            except ValueError:
                errors["hijri_month"] = _("Choose a Hijri month.")
        if not errors:
            try:
                period = hijri_month_period(year, month)
            except ValueError as exc:
                if str(exc) == "month":
                    errors["hijri_month"] = _("Choose a Hijri month.")
                else:
                    errors["hijri_year"] = _("Enter a Hijri year between 1343 and 1500.")
        values["hijri_year"], values["hijri_month"] = (
            values["hijri_year"] or str(year), values["hijri_month"] or str(month))
    else:
        first = last = None
        try:
            first = _day(values["from"])
        except ValueError:
            errors["from"] = _("Enter the first day of the period.")
        try:
            last = _day(values["to"])
        except ValueError:
            errors["to"] = _("Enter the last day of the period.")
        if first and last:
            if last < first:
                errors["to"] = _("The last day comes before the first.")
            elif (last - first).days > 3 * 366:
                errors["to"] = _("Choose a period of three years at most.")
            else:
                period = gregorian_period(first, last)
    channel = values["channel"] or None
    if channel and channel not in registered_channels():
        errors["channel"] = _("Choose one of the listed values.")
        channel = None
    choices = filter_choices()
    filters = Filters(
        period=period, channel_key=channel,
        branch_id=_choice_id(values["branch"], dict(choices["branch"]), "branch", errors),
        service_id=_choice_id(values["service"], dict(choices["service"]), "service", errors),
        team_id=_choice_id(values["team"], dict(choices["team"]), "team", errors),
    )
    return FilterForm(values, filters, errors)


def _name(row: Any) -> str:
    return row.name_ar if current_language() == "ar" else row.name_en


def filter_choices() -> dict[str, list[tuple[Any, str]]]:
    """The form's lists: channels, branches, services and teams, in the reader's language."""
    return {
        "channel": [(key, str(channel.meta.label))
                    for key, channel in registered_channels().items()],
        "branch": [(row.id, _name(row)) for row in db.session.scalars(
            select(Branch).order_by(Branch.name_ar))],
        "service": [(row.id, _name(row)) for row in db.session.scalars(
            select(Service).order_by(Service.name_ar))],
        "team": [(row.id, _name(row)) for row in db.session.scalars(
            select(Team).order_by(Team.name_ar))],
        "hijri_month": [(month, Hijri(1448, month, 1).month_name(
            "ar" if current_language() == "ar" else "en")) for month in range(1, 13)],
    }


def field_visit_channels() -> list[str]:
    """The channels whose tickets are branch representatives' visits."""
    return [key for key, channel in registered_channels().items()
            if Capability.FIELD_VISITS in channel.meta.capabilities]


# ---------------------------------------------------------------------------------------
# Reports as tables and charts

@dataclass(frozen=True)
class Column:
    label: str
    format: str = COUNT


@dataclass(frozen=True)
class Report:
    """One chart and its numbers: the first column names each row, the others are numbers
    (None: no value). ``series`` picks the columns the chart draws (default: all)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: str = "bar"          # bar, stacked, line, doughnut
    series: tuple[int, ...] | None = None
    note: str = ""
    chart_labels: tuple[str, ...] | None = None  # shorter labels for the chart's axis

    def chart_data(self) -> dict[str, Any]:
        """What the page's script draws (Chart.js's labels and datasets, plain numbers)."""
        drawn = self.series or tuple(range(1, len(self.columns)))
        return {
            "type": self.chart,
            "title": self.title,
            "labels": [str(row[0]) for row in self.rows],
            "chart_labels": list(self.chart_labels) if self.chart_labels else None,
            "datasets": [{"label": self.columns[i].label,
                          "data": [_chart_value(row[i], self.columns[i].format)
                                   for row in self.rows]} for i in drawn],
        }


def _chart_value(value: Any, fmt: str) -> float | None:
    if value is None:
        return None
    if fmt == PERCENT:
        return round(value * 100, 1)
    if fmt in (HOURS, DAYS, AVERAGE):
        return round(value, 2)
    return value


def export_value(value: Any, fmt: str) -> Any:
    """A cell for a spreadsheet: numbers stay numbers (hours, days and stars to two
    decimals, shares as percentages)."""
    if value is None or isinstance(value, str):
        return "" if value is None else value
    return _chart_value(value, fmt)


def format_number(value: Any, fmt: str = COUNT, language: str | None = None) -> str:
    """A number as the page reads it, in the language's digits (Arabic-Indic on Arabic
    pages: Babel changes only the separators); an em dash for none."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    arabic = (language or current_language()) == "ar"
    locale, system = ("ar_SA", "arab") if arabic else ("en", "latn")
    if fmt == PERCENT:
        text = format_decimal(value * 100, format="#,##0.#", locale=locale,
                              numbering_system=system) + ("٪" if arabic else "%")
    elif fmt in (HOURS, DAYS, AVERAGE):
        text = format_decimal(value, format="#,##0.0#", locale=locale, numbering_system=system)
    else:
        text = format_decimal(value, locale=locale, numbering_system=system)
    return text.translate(ARABIC_INDIC_DIGITS) if arabic else text


def localised_digits(text: str, language: str | None = None) -> str:
    """Dates and numbers in a label read in the same digits as the report's numbers."""
    return text.translate(ARABIC_INDIC_DIGITS) if (language or current_language()) == "ar" \
        else text


def period_names(filters: Filters, language: str | None = None) -> tuple[str, str]:
    """The period in the Hijri calendar, then the Gregorian, in the language's digits."""
    language = language or current_language()
    hijri, gregorian = period_label(filters.period, language)
    return localised_digits(hijri, language), localised_digits(gregorian, language)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


class _Names:
    """Labels read once per request."""

    def __init__(self) -> None:
        self.language = current_language()
        self.channels = {key: str(channel.meta.label)
                         for key, channel in registered_channels().items()}
        choices = filter_choices()
        self.branches = dict(choices["branch"])
        self.services = dict(choices["service"])
        self.teams = dict(choices["team"])

    def channel(self, key: str) -> str:
        return self.channels.get(key, key)

    def of(self, names: Mapping[int, str], key: int | None) -> str:
        return names.get(key, "") if key is not None else _("Not set")


def _series_rows(period: Period, language: str, counts: Mapping[str, Mapping[str, int]],
                 keys: list[str]) -> tuple[tuple[Any, ...], ...]:
    rows = []
    for day in period.buckets():
        found = counts.get(period.bucket_key(day), {})
        values = [found.get(key, 0) for key in keys]
        rows.append((localised_digits(bucket_label(period, day, language), language),
                     *values, sum(values)))
    return tuple(rows)


def _short_labels(period: Period, language: str) -> tuple[str, ...]:
    pattern = "d MMM" if period.by_day else "MMM y"
    labels = (format_date(day, pattern, locale=NUMBER_LOCALES.get(language, "en"))
              .replace("\u200f", "") for day in period.buckets())
    return tuple(label.translate(ARABIC_INDIC_DIGITS) if language == "ar" else label
                 for label in labels)


def volume_reports(filters: Filters, names: _Names, now: Any = None) -> list[Report]:
    found = queries.volume(filters, now)
    by_channel: dict[str, dict[str, int]] = {}
    by_kind: dict[str, dict[str, int]] = {}
    for (bucket, channel, kind), n in found.counts.items():
        by_channel.setdefault(bucket, {}).setdefault(channel, 0)
        by_channel[bucket][channel] += n
        by_kind.setdefault(bucket, {}).setdefault(kind, 0)
        by_kind[bucket][kind] += n
    channel_keys = [key for key in names.channels if found.by(1)[key]] + \
        sorted(key for key in found.by(1) if key not in names.channels)
    kinds = [key for key in KINDS if found.by(2)[key]]
    total = Column(_("Total"))
    return [
        Report("volume_channel", _("Tickets received by channel"),
               (Column(_("Period")), *(Column(names.channel(k)) for k in channel_keys), total),
               _series_rows(filters.period, names.language, by_channel, channel_keys),
               chart="stacked", series=tuple(range(1, len(channel_keys) + 1)),
               chart_labels=_short_labels(filters.period, names.language)),
        Report("volume_kind", _("Tickets received by kind"),
               (Column(_("Period")), *(Column(str(KINDS[k])) for k in kinds), total),
               _series_rows(filters.period, names.language, by_kind, kinds),
               chart="stacked", series=tuple(range(1, len(kinds) + 1)),
               chart_labels=_short_labels(filters.period, names.language)),
    ]


def backlog_report(filters: Filters, now: Any = None) -> Report:
    found = queries.backlog(filters, now)
    limits = BACKLOG_AGE_LIMITS
    labels = [_("Under %(days)s day", days=format_number(limits[0]))]
    labels += [_("%(low)s to %(high)s days", low=format_number(low), high=format_number(high))
               for low, high in zip(limits[:-1], limits[1:], strict=True)]
    labels.append(_("%(days)s days or more", days=format_number(limits[-1])))
    rows = [(label, n) for label, n in zip(labels, found.by_age, strict=True)]
    rows.append((_("All open tickets"), found.total))
    return Report("backlog", _("Open tickets by age"), (Column(_("Age")), Column(_("Tickets"))),
                  tuple(rows), note=_("Tickets open now; the period does not apply."))


def times_reports(filters: Filters, now: Any = None) -> list[Report]:
    found = queries.times(filters, now)
    times = Report(
        "times", _("First response and resolution times"),
        (Column(_("Measure")), Column(_("Median (hours)"), HOURS),
         Column(_("90th percentile (hours)"), HOURS)),
        ((_("First response"), _hours(found.first_response_median),
          _hours(found.first_response_p90)),
         (_("Resolution time"), _hours(found.resolution_median), _hours(found.resolution_p90))),
        note=_("Tickets received in the period: the first response is the first public "
               "reply to the person; the resolution is the closing."))
    sla = Report(
        "sla", _("Service level compliance"),
        (Column(_("Target")), Column(_("Met")), Column(_("Not met")),
         Column(_("Compliance"), PERCENT)),
        ((_("First response"), found.first_response_met, found.first_response_missed,
          found.first_response_compliance),
         (_("Resolution time"), found.resolution_met, found.resolution_missed,
          found.resolution_compliance)),
        series=(1, 2), chart="stacked",
        note=_("Tickets with a due time that has come: met when answered or closed by it."))
    return [times, sla]


def committee_reports(filters: Filters, names: _Names) -> list[Report]:
    found = queries.committee(filters)
    order = sorted(found.by_service, key=lambda key: names.of(names.services, key))
    decisions = Report(
        "committee", _("Committee decisions by service"),
        (Column(_("Service")), Column(_("Approved")), Column(_("Rejected")),
         Column(_("Deferred"))),
        tuple((names.of(names.services, key), counts["approve"], counts["reject"],
               counts["defer"]) for key, counts in
              ((key, found.by_service[key]) for key in order)),
        chart="stacked", note=_("Decisions taken in the period."))
    timing = Report(
        "committee_timing", _("Time to the committee's decision"),
        (Column(_("Requests")), Column(_("Requests decided")),
         Column(_("Median days from receipt to decision"), DAYS),
         Column(_("90th percentile of days to decision"), DAYS),
         Column(_("Decided within the promised window")),
         Column(_("Decided after the promised window"))),
        ((_("All services"), found.decided, found.days_median, found.days_p90,
          found.within_window, found.past_window),) if found.decided else (),
        chart="stacked", series=(4, 5),
        note=_("Approvals and rejections; deferrals are counted above."))
    return [decisions, timing]


def _average_rows(averages: Mapping[Any, queries.Average], label: Callable[[Any], str]
                  ) -> tuple[tuple[Any, ...], ...]:
    rows = [(label(key), average.mean, average.ratings) for key, average in averages.items()]
    return tuple(sorted(rows, key=lambda row: row[0]))


def satisfaction_reports(filters: Filters, names: _Names, now: Any = None) -> list[Report]:
    found = queries.satisfaction(filters, now)
    average_columns = (Column(_("Average rating"), AVERAGE), Column(_("Ratings")))
    period = filters.period
    trend_rows = []
    for day in period.buckets():
        average = found.trend.get(period.bucket_key(day))
        trend_rows.append((localised_digits(bucket_label(period, day, names.language)),
                           average.mean if average else None,
                           average.ratings if average else 0))
    overall = found.overall
    return [
        Report("satisfaction", _("Ratings by stars"),
               (Column(_("Stars")), Column(_("Ratings"))),
               tuple((format_number(stars), found.distribution[stars]) for stars in STARS),
               note=_("Average rating: %(average)s from %(count)s ratings.",
                      average=format_number(overall.mean, AVERAGE),
                      count=format_number(overall.ratings))),
        Report("satisfaction_response", _("Response rate to the rating request"),
               (Column(_("Tickets")), Column(_("Tickets closed in the period")),
                Column(_("Of them, rated")), Column(_("Response rate"), PERCENT)),
               ((_("All channels") if not filters.channel_key else
                 names.channel(filters.channel_key), found.closed_tickets,
                 found.rated_closed_tickets, found.response_rate),),
               series=()),
        Report("satisfaction_trend", _("Average rating over time"),
               (Column(_("Period")), *average_columns), tuple(trend_rows), chart="line",
               series=(1,), chart_labels=_short_labels(period, names.language)),
        Report("satisfaction_channel", _("Average rating by channel"),
               (Column(_("Channel")), *average_columns),
               _average_rows(found.by_channel, names.channel), series=(1,)),
        Report("satisfaction_service", _("Average rating by service"),
               (Column(_("Service")), *average_columns),
               _average_rows(found.by_service, lambda k: names.of(names.services, k)),
               series=(1,)),
        Report("satisfaction_team", _("Average rating by team"),
               (Column(_("Team")), *average_columns),
               _average_rows(found.by_team, lambda k: names.of(names.teams, k)), series=(1,)),
    ]


def visits_report(filters: Filters, names: _Names, now: Any = None) -> Report:
    found = queries.visits(filters, field_visit_channels(), now)
    months = sorted({month for _branch, month in found})
    branches = sorted({branch for branch, _month in found},
                      key=lambda key: names.of(names.branches, key))
    rows = []
    for branch in branches:
        values = [found.get((branch, month), 0) for month in months]
        rows.append((names.of(names.branches, branch), *values, sum(values)))
    month_columns = tuple(
        Column(localised_digits(month_label(date.fromisoformat(f"{month}-01"), names.language)))
        for month in months)
    return Report("visits", _("Branch representatives' visits by branch and month"),
                  (Column(_("Branch")), *month_columns, Column(_("Total"))), tuple(rows),
                  chart="stacked", series=tuple(range(1, len(months) + 1)))


def suggestions_report(filters: Filters, names: _Names, now: Any = None) -> Report:
    found = queries.suggestions(filters, now)
    rows: list[tuple[Any, ...]] = [
        (names.channel(key), n) for key, n in sorted(found.by_channel.items())]
    rows.append((_("Suggestions received"), found.received))
    rows.append((_("Suggestions acted on"), found.acted_on))
    return Report("suggestions", _("Suggestions received and acted on"),
                  (Column(_("Suggestions")), Column(_("Count"))), tuple(rows),
                  note=_("Received by channel, in the period."))


SECTIONS = (
    ("volume", _l("Volume")),
    ("backlog", _l("Backlog")),
    ("times", _l("Response times and service levels")),
    ("committee", _l("The research committee")),
    ("satisfaction", _l("Satisfaction")),
    ("visits", _l("Branch visits")),
    ("suggestions", _l("Suggestions")),
)


# Each section's reports, built together (they share their query).
BUILDERS: dict[str, Callable[[Filters, Any, Any], list[Report]]] = {
    "volume": lambda filters, names, now: volume_reports(filters, names, now),
    "backlog": lambda filters, names, now: [backlog_report(filters, now)],
    "times": lambda filters, names, now: times_reports(filters, now),
    "committee": lambda filters, names, now: committee_reports(filters, names),
    "satisfaction": lambda filters, names, now: satisfaction_reports(filters, names, now),
    "visits": lambda filters, names, now: [visits_report(filters, names, now)],
    "suggestions": lambda filters, names, now: [suggestions_report(filters, names, now)],
}
# Which section builds each report (the export of one report runs only its section).
REPORT_SECTIONS = {
    "volume_channel": "volume", "volume_kind": "volume", "backlog": "backlog",
    "times": "times", "sla": "times", "committee": "committee",
    "committee_timing": "committee", "satisfaction": "satisfaction",
    "satisfaction_response": "satisfaction", "satisfaction_trend": "satisfaction",
    "satisfaction_channel": "satisfaction", "satisfaction_service": "satisfaction",
    "satisfaction_team": "satisfaction", "visits": "visits", "suggestions": "suggestions",
}


def build_reports(filters: Filters, now: Any = None) -> dict[str, list[Report]]:
    """Every report for the filters, by section (in SECTIONS' order)."""
    names = _Names()
    return {key: BUILDERS[key](filters, names, now) for key, _label in SECTIONS}


def find_report(filters: Filters, key: str, now: Any = None) -> Report | None:
    """One report (its section's queries only); None for an unknown key."""
    section = REPORT_SECTIONS.get(key)
    if section is None:
        return None
    return next((report for report in BUILDERS[section](filters, _Names(), now)
                 if report.key == key), None)


# ---------------------------------------------------------------------------------------
# The board's monthly report

@dataclass(frozen=True)
class BoardReport:
    association_name: str
    has_logo: bool
    period_hijri: str
    period_gregorian: str
    issued_on: date
    issued_label: str   # in both calendars
    sections: dict[str, list[Report]]


def board_report(form: FilterForm, now: Any = None) -> BoardReport:
    association = db.session.scalar(select(Association).limit(1))
    language = current_language()
    if association is None:
        name = _("Sila")
    else:
        name = association.name_ar if language == "ar" or not association.name_en \
            else association.name_en
    hijri, gregorian = period_names(form.filters, language)
    issued = to_riyadh(now or utcnow()).date()
    issued_label = localised_digits(
        f"{hijri_date(issued, language)} — {gregorian_date(issued, language)}", language)
    return BoardReport(name, bool(association and association.logo_stored_name), hijri,
                       gregorian, issued, issued_label, build_reports(form.filters, now))

