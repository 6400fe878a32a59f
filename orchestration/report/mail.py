"""Emailing the executive report through the project's SMTP server.

Mail programs often refuse `data:` images, so the emailed page refers to its charts as `cid:` parts of
the same message (multipart/related), with a plain-text summary beside it for readers without HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from orchestration.console_views import format_amount
from orchestration.notifications.settings import SmtpSettings
from orchestration.notifications.smtp import send_email
from orchestration.report.build import BuiltReport
from orchestration.report.html import render_html


def text_summary(built: BuiltReport) -> str:
    report = built.data
    company, metric = report.company, report.metric_type
    unit = f" {company.currency}" if metric == "revenue" and company.currency else ""
    lines = [
        f"Sales performance, {report.period.name}, as of {report.as_of.isoformat()}",
        f"Company {metric}: {format_amount(company.current_value, metric)} of "
        f"{format_amount(company.target_value or 0, metric)}{unit} ({company.attainment_percent:.2f}%)",
        "",
        "Leaderboard:",
        *(
            f"  {row.rank:>3}. {row.user_name} ({row.team_name or 'no team'}): {row.attainment_percent:.2f}%"
            for row in report.leaderboard
        ),
        "",
        f"{report.behind_total} reps behind pace. The full report is in the HTML part of this message.",
    ]
    return "\n".join(lines)


def report_message(built: BuiltReport, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The report as one email: text, then the HTML page with each chart as an inline image part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = built.subject
    message.set_content(text_summary(built))
    content_ids = {name: make_msgid(domain="quotas.report") for name in built.charts}
    page = render_html(built.data, {name: f"cid:{cid[1:-1]}" for name, cid in content_ids.items()}, source=built.source)
    message.add_alternative(page, subtype="html")
    html_part = message.get_payload()[1]  # type: ignore[index]
    for name, png in built.charts.items():
        html_part.add_related(png, "image", "png", cid=content_ids[name], filename=f"chart_{name}.png")
    return message


def email_report(built: BuiltReport, smtp: SmtpSettings, recipients: Sequence[str]) -> None:
    send_email(smtp, report_message(built, smtp.sender, recipients), timeout=30.0)
