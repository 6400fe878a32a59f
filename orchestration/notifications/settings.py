"""Notification settings: thresholds, retries and channels, from `[notifications]` in the config file
and `QUOTAS_*` environment variables (the environment wins). Credentials are read from the environment
or the config file only, never from code, and are never printed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import SettingsError, config_file_path


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "quotas@localhost"


@dataclass(frozen=True)
class NotificationSettings:
    thresholds: tuple[float, ...] = (100.0,)
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    smtp: SmtpSettings | None = None
    webhook_url: str | None = None
    executive_emails: tuple[str, ...] = ()
    window_days: int = 14

    @property
    def channels(self) -> tuple[str, ...]:
        return ("log",) + (("email",) if self.smtp else ()) + (("webhook",) if self.webhook_url else ())

    def retry_delay(self, attempts: int) -> float:
        """Exponential backoff: base, 2 x base, 4 x base, ... after the 1st, 2nd, 3rd failed attempt."""
        return self.backoff_seconds * 2 ** max(attempts - 1, 0)


def _numbers(text: str, name: str) -> tuple[float, ...]:
    try:
        values = tuple(sorted({float(part) for part in text.split(",") if part.strip()}))
    except ValueError as error:
        raise SettingsError(f"{name}: {text!r} is not a comma-separated list of percentages") from error
    if not values or any(value <= 0 for value in values):
        raise SettingsError(f"{name}: thresholds must be positive percentages")
    return values


def load_notification_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> NotificationSettings:
    environ = os.environ if environ is None else environ
    path = config_file_path(config_file, environ)
    section: dict = {}
    if path is not None and path.exists():
        with path.open("rb") as handle:
            section = dict(tomllib.load(handle).get("notifications", {}))

    def value(key: str, env: str, default: object = None) -> object:
        return environ.get(env) or section.get(key, default)

    thresholds = value("thresholds", "QUOTAS_NOTIFY_THRESHOLDS", "100")
    if isinstance(thresholds, list):
        thresholds = ",".join(str(item) for item in thresholds)
    smtp_host = value("smtp_host", "QUOTAS_SMTP_HOST")
    smtp = None
    if smtp_host:
        security = str(value("smtp_security", "QUOTAS_SMTP_SECURITY", "none"))
        if security not in ("none", "starttls", "ssl"):
            raise SettingsError(f"smtp_security: {security!r} is not one of none, starttls, ssl")
        smtp = SmtpSettings(
            host=str(smtp_host),
            port=int(str(value("smtp_port", "QUOTAS_SMTP_PORT", 25))),
            security=security,
            user=value("smtp_user", "QUOTAS_SMTP_USER"),  # type: ignore[arg-type]
            password=value("smtp_password", "QUOTAS_SMTP_PASSWORD"),  # type: ignore[arg-type]
            sender=str(value("smtp_sender", "QUOTAS_SMTP_SENDER", "quotas@localhost")),
        )
    executives = value("executive_emails", "QUOTAS_EXECUTIVE_EMAILS", "")
    if isinstance(executives, list):
        executives = ",".join(executives)
    return NotificationSettings(
        thresholds=_numbers(str(thresholds), "thresholds"),
        max_attempts=int(str(value("max_attempts", "QUOTAS_NOTIFY_MAX_ATTEMPTS", 5))),
        backoff_seconds=float(str(value("backoff_seconds", "QUOTAS_NOTIFY_BACKOFF_SECONDS", 60))),
        smtp=smtp,
        webhook_url=value("webhook_url", "QUOTAS_WEBHOOK_URL"),  # type: ignore[arg-type]
        executive_emails=tuple(email.strip() for email in str(executives).split(",") if email.strip()),
        window_days=int(str(value("window_days", "QUOTAS_NOTIFY_WINDOW_DAYS", 14))),
    )
