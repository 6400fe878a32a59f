"""The report as one self-contained HTML page: CSS in the page, charts as given image sources.

The same page is written to disk (images as base64 data URIs) and emailed (images as `cid:` parts), so
the image sources are a parameter. Every number carries a stable `data-*` attribute (`data-metric`,
`data-field`, `data-team-id`, `data-user-id`, `data-goal-id`, ...) holding nothing but the number as
shown, so a reader (or a test) can find it without parsing the layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from html import escape

from orchestration.console_views import format_amount
from orchestration.report.palette import PACE_COLOURS, PACE_ORDER, status_colour
from orchestration.report.queries import Goal, MetricScore, ReportData

METRIC_NAMES = {
    "revenue": "Revenue",
    "deals": "Deals won",
    "leads": "Leads",
    "calls": "Calls",
    "meetings": "Meetings",
    "emails": "Emails",
    "custom": "Custom",
}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: #1e293b;
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
.page { max-width: 1120px; margin: 0 auto; padding: 0 24px 40px; }
header.hero { background: linear-gradient(120deg, #0f172a 0%, #1e3a8a 60%, #0d9488 100%); color: #fff;
  padding: 30px 24px 26px; }
header.hero .inner { max-width: 1072px; margin: 0 auto; display: flex; justify-content: space-between;
  align-items: flex-end; gap: 24px; flex-wrap: wrap; }
header.hero h1 { margin: 0 0 4px; font-size: 28px; letter-spacing: -0.01em; }
header.hero .sub { opacity: 0.85; font-size: 15px; }
header.hero .when { text-align: right; font-size: 13px; opacity: 0.9; }
header.hero .when strong { display: block; font-size: 18px; opacity: 1; }
section { background: #fff; border-radius: 14px; box-shadow: 0 1px 3px rgba(15, 23, 42, 0.08);
  padding: 22px 24px; margin-top: 20px; }
section h2 { margin: 0 0 4px; font-size: 18px; }
section p.lead { margin: 0 0 14px; color: #64748b; }
.kpis { display: grid; grid-template-columns: 1.25fr 1fr 1fr; gap: 20px; margin-top: -18px; }
.kpis section { margin-top: 0; }
.gauge { display: flex; flex-direction: column; }
.gauge img { width: 100%; max-width: 420px; display: block; margin: auto; }
.kpi-label { text-transform: uppercase; letter-spacing: 0.06em; font-size: 11px; color: #64748b; font-weight: 600; }
.kpi-big { font-size: 30px; font-weight: 700; letter-spacing: -0.02em; margin: 2px 0; }
.kpi-row { display: flex; justify-content: space-between; border-top: 1px solid #eef2f7; padding: 7px 0; }
.kpi-row > span:first-child { color: #64748b; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 7px; }
.unit { color: #64748b; font-size: 0.85em; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600;
  color: #fff; white-space: nowrap; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: #64748b;
  font-weight: 600; padding: 6px 8px; border-bottom: 2px solid #e2e8f0; }
td { padding: 8px; border-bottom: 1px solid #eef2f7; vertical-align: middle; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.top td { background: #fffbeb; }
.bar { position: relative; height: 10px; border-radius: 5px; background: #e9eef5; min-width: 110px; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 5px; }
.bar .pace { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #475569; }
.medal { display: inline-flex; width: 26px; height: 26px; border-radius: 50%; align-items: center;
  justify-content: center; font-weight: 700; font-size: 13px; color: #fff;
  box-shadow: inset 0 -2px 0 rgba(0, 0, 0, 0.18); }
.medal.gold { background: radial-gradient(circle at 35% 30%, #fde68a, #d97706); }
.medal.silver { background: radial-gradient(circle at 35% 30%, #f1f5f9, #94a3b8); }
.medal.bronze { background: radial-gradient(circle at 35% 30%, #fed7aa, #b45309); }
.rank { display: inline-flex; width: 26px; justify-content: center; color: #64748b; font-weight: 600; }
.pos { color: #15803d; font-weight: 600; }
.neg { color: #b91c1c; font-weight: 600; }
.team-sub td.name { padding-left: 30px; color: #334155; }
td.name { white-space: nowrap; }
.team-top td { font-weight: 600; }
.chart { width: 100%; display: block; }
.goals { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; margin-top: 16px; }
.goal { border: 1px solid #e2e8f0; border-radius: 10px; padding: 12px 14px; }
.goal h3 { margin: 0 0 2px; font-size: 14px; }
.goal .meta { color: #64748b; font-size: 12px; margin-bottom: 8px; }
.goal ol { list-style: none; padding: 0; margin: 8px 0 0; }
.goal li { display: flex; gap: 8px; font-size: 12.5px; padding: 2px 0; }
.goal li .mark { width: 16px; text-align: center; font-weight: 700; }
.goal li.reached .mark { color: #16a34a; }
.goal li.overdue .mark { color: #dc2626; }
.goal li.open .mark { color: #94a3b8; }
.goal li .when { margin-left: auto; color: #64748b; white-space: nowrap; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 12px; color: #475569; margin-top: 8px; }
.note { color: #64748b; font-size: 12px; margin-top: 10px; }
footer { color: #64748b; font-size: 12px; text-align: center; margin-top: 26px; }
@media (max-width: 860px) { .kpis, .goals { grid-template-columns: 1fr; } }
"""


DASH = "&ndash;"
MAX_TEAM_ROWS = 40  # beyond this, the teams table shows the top-level teams only


def _name(text: str | None) -> str:
    return escape(text) if text else DASH


def _amount(value: float, metric_type: str) -> str:
    return format_amount(value, metric_type)


def _percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}%"


def _signed(value: float, metric_type: str) -> str:
    text = format_amount(value, metric_type)
    return f"+{text}" if value > 0 and not text.startswith("-") else text


def _unit(metric_type: str, currency: str | None) -> str:
    return f' <span class="unit">{escape(currency)}</span>' if metric_type == "revenue" and currency else ""


def _status_pill(status: str | None, field: str = "pace-status") -> str:
    if not status:
        return DASH
    colour = PACE_COLOURS.get(status, "#64748b")
    if status == "in_progress":
        colour = "#1e3a8a"
    label = status.replace("_", " ")
    return (
        f'<span class="pill" style="background:{colour}" data-field="{field}" data-status="{escape(status)}">'
        f"{escape(label)}</span>"
    )


def _bar(attainment: float | None, expected: float | None, colour: str | None = None) -> str:
    """A progress bar, full at 100%, with a tick where a straight-line pace stands (when there is one)."""
    if attainment is None:
        return '<span class="unit">no quota of its own</span>'
    width = max(0.0, min(attainment, 100.0))
    colour = colour or status_colour(attainment, expected if expected is not None else 0.0)
    tick = f'<div class="pace" style="left:{expected:.2f}%"></div>' if expected is not None else ""
    return (
        f'<div class="bar" title="{attainment:.2f}%">'
        f'<div class="fill" style="width:{width:.2f}%;background:{colour}"></div>{tick}</div>'
    )


def _day(value: date | None) -> str:
    return DASH if value is None else f"{value:%d %b %Y}"


def _metric_name(score: MetricScore) -> str:
    return score.metric_field.replace("_", " ").capitalize() if score.metric_field else METRIC_NAMES[score.metric_type]


def _header(report: ReportData) -> str:
    period = report.period
    days_left = max((period.end_date - report.as_of).days, 0)
    return f"""
<header class="hero"><div class="inner">
  <div>
    <h1>Sales performance</h1>
    <div class="sub"><span data-metric="period">{escape(period.name)}</span> ·
      {METRIC_NAMES[report.metric_type]} · {_day(period.start_date)} &ndash; {_day(period.end_date)}</div>
  </div>
  <div class="when">as of<strong data-metric="as-of" data-value="{report.as_of.isoformat()}">
    {report.as_of:%A %d %B %Y}</strong>
    day {period.days_elapsed(report.as_of)} of {period.days_total} · {days_left} days left</div>
</div></header>"""


def _kpis(report: ReportData, images: Mapping[str, str]) -> str:
    company, metric = report.company, report.metric_type
    unit = _unit(metric, company.currency)
    projected = (
        f'<span data-metric="company-projected">{_amount(company.projected_value, metric)}</span>{unit}'
        if company.projected_value is not None
        else DASH
    )
    projected_percent = (
        f" ({100 * company.projected_value / company.target_value:.0f}%)"
        if company.projected_value is not None and company.target_value
        else ""
    )
    reps = sum(report.pace_counts.values())
    on_course = report.pace_counts.get("achieved", 0) + report.pace_counts.get("on_track", 0)
    pace_rows = "".join(
        f'<div class="kpi-row"><span><span class="dot" style="background:{PACE_COLOURS.get(status, "#64748b")}">'
        f"</span>{status.replace('_', ' ')}</span>"
        f'<span data-pace="{status}">{report.pace_counts[status]}</span></div>'
        for status in PACE_ORDER
        if report.pace_counts.get(status)
    )
    return f"""
<div class="kpis">
  <section class="gauge">
    <div class="kpi-label">Company attainment</div>
    <img id="chart-gauge" src="{images["gauge"]}" alt="Company attainment gauge">
  </section>
  <section>
    <div class="kpi-label">Company {METRIC_NAMES[metric].lower()}</div>
    <div class="kpi-big"><span data-metric="company-attainment">{_percent(company.attainment_percent)}</span></div>
    <div class="kpi-row"><span>Achieved</span>
      <span><span data-metric="company-value">{_amount(company.current_value, metric)}</span>{unit}</span></div>
    <div class="kpi-row"><span>Quota</span>
      <span><span data-metric="company-target">{_amount(company.target_value or 0, metric)}</span>{unit}</span></div>
    <div class="kpi-row"><span>This week</span>
      <span><span data-metric="company-week-delta">{_signed(company.week_delta or 0, metric)}</span>{unit}</span></div>
    <div class="kpi-row"><span>Projected at period end</span><span>{projected}{projected_percent}</span></div>
    <div class="kpi-row"><span>Pace</span><span>{_status_pill(company.pace_status)}</span></div>
  </section>
  <section>
    <div class="kpi-label">Reps on course</div>
    <div class="kpi-big"><span data-metric="reps-on-course">{on_course}</span>
      <span class="unit">of <span data-metric="reps-with-quota">{reps}</span></span></div>
    <img id="chart-pace" class="chart" src="{images["pace"]}" alt="Reps by pace status">
    {pace_rows}
  </section>
</div>"""


def _scorecard(report: ReportData) -> str:
    expected = report.period.expected_percent(report.as_of)
    rows = []
    for score in report.scorecard:
        key = score.metric_field or score.metric_type
        unit = _unit(score.metric_type, score.currency)
        rows.append(
            f'<tr data-scorecard="{escape(key)}"><td>{escape(_metric_name(score))}</td>'
            f"<td>{_bar(score.attainment_percent, expected)}</td>"
            f'<td class="num"><span data-field="attainment">{_percent(score.attainment_percent)}</span></td>'
            f'<td class="num"><span data-field="value">{_amount(score.current_value, score.metric_type)}</span>'
            f"{unit}</td>"
            f'<td class="num"><span data-field="target">{_amount(score.target_value or 0, score.metric_type)}'
            f"</span>{unit}</td>"
            f'<td class="num"><span data-field="week-delta">{_signed(score.week_delta or 0, score.metric_type)}'
            f"</span></td><td>{_status_pill(score.pace_status)}</td></tr>"
        )
    return f"""
<section id="scorecard">
  <h2>Every metric, company-wide</h2>
  <p class="lead">The company quota of each metric in {escape(report.period.name)}. The grey tick on each bar is
    where a straight-line pace to the quota stands today ({expected:.0f}%).</p>
  <table><thead><tr><th>Metric</th><th>Progress</th><th class="num">Attainment</th><th class="num">Achieved</th>
    <th class="num">Quota</th><th class="num">This week</th><th>Pace</th></tr></thead>
  <tbody>{"".join(rows)}</tbody></table>
</section>"""


def _trend(report: ReportData, images: Mapping[str, str]) -> str:
    days = sorted({day for series in report.trend for day, _ in series.points})
    span = f"{_day(days[0])} &ndash; {_day(days[-1])}" if days else "none yet"
    note = "" if len(days) > 1 else " A backfill (<code>quotas backfill</code>) draws the history of the period."
    return f"""
<section id="trend">
  <h2>Attainment over time</h2>
  <p class="lead">Daily snapshots of the company's and each region's {METRIC_NAMES[report.metric_type].lower()}
    quota (with many regions, the three highest and the three lowest), against the straight line that reaches
    100% on the last day.</p>
  <img id="chart-trend" class="chart" src="{images["trend"]}" alt="Attainment over time">
  <p class="note"><span data-metric="snapshot-days">{len(days)}</span> days of snapshots ({span}).{note}</p>
</section>"""


def _teams(report: ReportData) -> str:
    metric = report.metric_type
    expected = report.period.expected_percent(report.as_of)
    teams = report.teams
    hidden = 0
    if len(teams) > MAX_TEAM_ROWS:
        teams = tuple(team for team in teams if team.depth == 0)
        hidden = len(report.teams) - len(teams)
    rows = []
    for team in teams:
        unit = _unit(metric, team.currency)
        target = (
            f'<span data-field="target">{_amount(team.target_value, metric)}</span>{unit}'
            if team.target_value is not None
            else DASH
        )
        over = (
            f'<span data-field="over-assignment">{_percent(team.over_assignment_percent)}</span>'
            if team.over_assignment_percent is not None
            else DASH
        )
        rows.append(
            f'<tr class="{"team-top" if team.depth == 0 else "team-sub"}" data-team-id="{escape(team.team_id)}">'
            f'<td class="name">{escape(team.team_name)}</td>'
            f"<td>{_bar(team.attainment_percent, expected)}</td>"
            f'<td class="num"><span data-field="attainment">{_percent(team.attainment_percent)}</span></td>'
            f'<td class="num"><span data-field="value">{_amount(team.current_value, metric)}</span>{unit}</td>'
            f'<td class="num">{target}</td>'
            f'<td class="num"><span data-field="week-delta">{_signed(team.week_delta or 0, metric)}</span></td>'
            f'<td class="num">{over}</td><td>{_status_pill(team.pace_status)}</td></tr>'
        )
    note = (
        f'<p class="note">{hidden} teams beneath the regions are left out; marts.quota_rollups has them all.</p>'
        if hidden
        else ""
    )
    return f"""
<section id="teams">
  <h2>Teams</h2>
  <p class="lead">Each team's rollup of its members' {METRIC_NAMES[metric].lower()} against its own quota, regions
    first with their teams beneath. Assigned = the members' quotas as a share of the team's.</p>
  <table><thead><tr><th>Team</th><th>Progress</th><th class="num">Attainment</th><th class="num">Achieved</th>
    <th class="num">Quota</th><th class="num">This week</th><th class="num">Assigned</th><th>Pace</th></tr></thead>
  <tbody>{"".join(rows) or '<tr><td colspan="8">No teams.</td></tr>'}</tbody></table>
  {note}
</section>"""


def _medal(rank: int) -> str:
    kind = {1: "gold", 2: "silver", 3: "bronze"}.get(rank)
    if kind:
        return f'<span class="medal {kind}" data-field="rank" data-medal="{kind}">{rank}</span>'
    return f'<span class="rank" data-field="rank">{rank}</span>'


def _leaderboard(report: ReportData) -> str:
    metric = report.metric_type
    rows = []
    for row in report.leaderboard:
        unit = _unit(metric, row.currency)
        vs_class = "pos" if row.vs_quota >= 0 else "neg"
        rows.append(
            f'<tr class="{"top" if row.rank <= 3 else ""}" data-user-id="{escape(row.user_id)}" '
            f'data-rank="{row.rank}"><td>{_medal(row.rank)}</td>'
            f'<td><strong data-field="rep">{escape(row.user_name)}</strong></td>'
            f'<td data-field="team">{_name(row.team_name)}</td>'
            f'<td class="num"><span data-field="value">{_amount(row.current_value, metric)}</span>{unit}</td>'
            f'<td class="num"><span data-field="target">{_amount(row.target_value, metric)}</span>{unit}</td>'
            f'<td class="num"><strong data-field="attainment">{_percent(row.attainment_percent)}</strong></td>'
            f'<td class="num {vs_class}"><span data-field="vs-quota">{_signed(row.vs_quota, metric)}</span>'
            f"{unit}</td></tr>"
        )
    more = report.leaderboard_size - len(report.leaderboard)
    note = f'<p class="note">… and {more} more reps ranked.</p>' if more > 0 else ""
    return f"""
<section id="leaderboard">
  <h2>Leaderboard</h2>
  <p class="lead">Reps ranked by attainment of their {METRIC_NAMES[metric].lower()} quota; vs quota is what they
    achieved minus their quota.</p>
  <table><thead><tr><th>#</th><th>Rep</th><th>Team</th><th class="num">Achieved</th><th class="num">Quota</th>
    <th class="num">Attainment</th><th class="num">vs quota</th></tr></thead>
  <tbody>{"".join(rows) or '<tr><td colspan="7">No individual quotas in this period.</td></tr>'}</tbody></table>
  {note}
</section>"""


def _behind(report: ReportData) -> str:
    metric = report.metric_type
    rows = []
    for row in report.behind:
        unit = _unit(metric, row.currency)
        projected = row.projected_percent
        pace = (
            f'<span data-field="required-pace">{_amount(row.required_daily_pace, metric)}</span>{unit} / day'
            if row.required_daily_pace is not None
            else DASH
        )
        rows.append(
            f'<tr data-quota-id="{escape(row.quota_id)}"><td><strong data-field="rep">{escape(row.user_name)}</strong>'
            f"</td><td>{_name(row.team_name)}</td>"
            f'<td class="num"><span data-field="value">{_amount(row.current_value, metric)}</span> / '
            f"{_amount(row.target_value, metric)}{unit}</td>"
            f'<td class="num"><span data-field="attainment">{_percent(row.attainment_percent)}</span></td>'
            f'<td class="num"><span data-field="projected">{_percent(projected)}</span></td>'
            f'<td class="num">{pace}</td><td>{_status_pill(row.pace_status)}</td></tr>'
        )
    more = report.behind_total - len(report.behind)
    note = f'<p class="note">… and {more} more reps behind pace.</p>' if more > 0 else ""
    count = f'<span data-metric="behind-pace-count">{report.behind_total}</span>'
    return f"""
<section id="behind-pace">
  <h2>Behind pace ({count})</h2>
  <p class="lead">Reps whose run rate so far will not reach their quota by the end of the period: projected is
    where that run rate lands, as a share of the quota; the daily pace is what they need from here.</p>
  <table><thead><tr><th>Rep</th><th>Team</th><th class="num">Achieved / quota</th><th class="num">Attainment</th>
    <th class="num">Projected</th><th class="num">Needed</th><th>Status</th></tr></thead>
  <tbody>{"".join(rows) or '<tr><td colspan="7">Every rep is on course.</td></tr>'}</tbody></table>
  {note}
</section>"""


_GOAL_COLOURS = {"achieved": PACE_COLOURS["achieved"], "missed": PACE_COLOURS["missed"], "in_progress": "#1e3a8a"}


def _goal_card(goal: Goal) -> str:
    unit = _unit(goal.metric_type, goal.currency)
    items = []
    for milestone in goal.milestones:
        if milestone.is_achieved:
            state, mark = ("overdue", "✓") if milestone.is_overdue else ("reached", "✓")
            when = f"reached {_day(milestone.achieved_at)}" + (" (late)" if milestone.is_overdue else "")
        else:
            state, mark = ("overdue", "!") if milestone.is_overdue else ("open", "○")
            when = f"due {_day(milestone.target_date)}"
        items.append(
            f'<li class="{state}" data-milestone-id="{escape(milestone.id)}" data-status="{state}">'
            f'<span class="mark">{mark}</span><span>{escape(milestone.name)} · '
            f"{_amount(milestone.target_value, goal.metric_type)}{unit}</span>"
            f'<span class="when">{when}</span></li>'
        )
    achieved = f" · achieved {_day(goal.achieved_at)}" if goal.achieved_at else ""
    span = f"{_day(goal.start_date)} &ndash; {_day(goal.end_date)}"
    bar = _bar(goal.attainment_percent, None, _GOAL_COLOURS.get(goal.status))
    return f"""
  <div class="goal" data-goal-id="{escape(goal.id)}">
    <div style="display:flex;justify-content:space-between;gap:8px"><h3>{escape(goal.name)}</h3>
      {_status_pill(goal.status, "status")}</div>
    <div class="meta">{escape(goal.owner)} · {goal.goal_type} · {span}{achieved}</div>
    <div style="display:flex;gap:10px;align-items:center">{bar}
      <span class="num"><strong data-field="attainment">{_percent(goal.attainment_percent)}</strong></span></div>
    <div class="meta" style="margin-top:4px"><span data-field="value">{_amount(goal.current_value, goal.metric_type)}
      </span> of <span data-field="target">{_amount(goal.target_value, goal.metric_type)}</span>{unit}</div>
    <ol>{"".join(items)}</ol>
  </div>"""


def _goals(report: ReportData, images: Mapping[str, str]) -> str:
    if not report.goals:
        return (
            '<section id="goals"><h2>Goals</h2><p class="lead">No goals open or ended in the past year.</p></section>'
        )
    return f"""
<section id="goals">
  <h2>Goals and milestones</h2>
  <p class="lead">Goals open on {_day(report.as_of)} and those that ended in the past year. On the timeline, a
    filled diamond is a milestone reached, an open one still to come, a red one overdue; a star marks the day the
    goal was achieved.</p>
  <img id="chart-goals" class="chart" src="{images["goals"]}" alt="Goal timelines">
  <div class="goals">{"".join(_goal_card(goal) for goal in report.goals)}</div>
</section>"""


def render_html(report: ReportData, images: Mapping[str, str], source: str = "") -> str:
    """The whole page. `images` maps each chart name (gauge, pace, trend, goals) to an image source."""
    footer = (
        f"Read from the marts of {escape(source)}, built as of {report.as_of.isoformat()}. "
        if source
        else f"Read from the marts built as of {report.as_of.isoformat()}. "
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sales performance · {escape(report.period.name)} · as of {report.as_of.isoformat()}</title>
<style>{CSS}</style></head>
<body>
{_header(report)}
<main class="page">
{_kpis(report, images)}
{_trend(report, images)}
{_teams(report)}
{_leaderboard(report)}
{_behind(report)}
{_scorecard(report)}
{_goals(report, images)}
<footer>{footer}Every figure is the warehouse's own; amounts in each quota's currency.</footer>
</main>
</body></html>
"""
