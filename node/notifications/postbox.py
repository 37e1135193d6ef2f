"""Sending mail: a `Postbox` takes a finished message. SMTP for real nodes (MEKAAR_SMTP_*);
tests use a local SMTP sink, so the same code path runs."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Protocol

from ..settings import Settings

TIMEOUT = 30.0


class Postbox(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver or raise (smtplib.SMTPException, OSError); sets the sender if unset."""


class SmtpPostbox:
    """One connection per digest round would do too; one per message keeps failures apart."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        if "From" not in message:
            message["From"] = sender(s)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(message)


def sender(settings: Settings) -> str:
    return settings.smtp_from or f"mekaar@{settings.smtp_host or 'localhost'}"
