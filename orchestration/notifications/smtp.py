"""Sending one email through the configured SMTP server: the one place that speaks SMTP.

Both the notification channel and the executive report send mail; they build their messages differently
but connect, secure and log in the same way, as `SmtpSettings` say.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from orchestration.notifications.settings import SmtpSettings


def send_email(settings: SmtpSettings, message: EmailMessage, timeout: float = 10.0) -> None:
    """Deliver `message` (its From/To headers decide sender and recipients); raise on any failure."""
    smtp_class = smtplib.SMTP_SSL if settings.security == "ssl" else smtplib.SMTP
    with smtp_class(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.security == "starttls":
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)
