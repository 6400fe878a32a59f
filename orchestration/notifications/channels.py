"""Delivery channels. Each passes the notification's key to the receiver (an email Message-ID and header,
a webhook Idempotency-Key header) so a receiver can drop the duplicate of an at-least-once delivery.
A channel raises on any failure; the outbox decides what happens next.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from email.message import EmailMessage
from typing import Protocol

from orchestration.notifications.outbox import OutboxRow
from orchestration.notifications.settings import SmtpSettings
from orchestration.notifications.smtp import send_email

KEY_HEADER = "X-Quotas-Notification-Key"


class Channel(Protocol):
    def send(self, row: OutboxRow) -> None: ...


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@quotas.notifications>"


class EmailChannel:
    def __init__(self, settings: SmtpSettings, timeout: float = 10.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, row: OutboxRow) -> None:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = row.recipient
        message["Subject"] = row.subject
        message["Message-ID"] = message_id(row.key)
        message[KEY_HEADER] = row.key
        message.set_content(row.body)
        send_email(self.settings, message, self.timeout)


class WebhookChannel:
    """A JSON POST that a Slack incoming webhook accepts (`text`), with the key and figures beside it."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, row: OutboxRow) -> None:
        payload = {
            "text": f"*{row.subject}*\n{row.body}",
            "key": row.key,
            "kind": row.kind,
            "recipient": row.recipient,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": row.key},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if not 200 <= response.status < 300:
                raise OSError(f"webhook answered {response.status}")
