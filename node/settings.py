"""Node settings: built once from MEKAAR_* environment variables and command-line flags, then
passed down. Never a global (the app factory receives them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: str = "./data"
    """MEKAAR_DATA: folder with the node's identity, documents and (by default) its database."""
    database_url: str = ""
    """DATABASE_URL: SQLAlchemy async URL; empty means SQLite in the data folder."""
    host: str = "127.0.0.1"
    """MEKAAR_HOST: address `mekaar serve` listens on."""
    port: int = 8000
    """MEKAAR_PORT: port `mekaar serve` listens on."""
    debug: bool = False
    """MEKAAR_DEBUG: show tracebacks in the browser (never on a public node)."""
    language: str = "nl"
    """MEKAAR_LANGUAGE: default language of the pages (nl or en)."""
    secure_cookies: bool = False
    """MEKAAR_SECURE_COOKIES: mark session cookies Secure (set it when served over HTTPS)."""
    public_sync: bool = False
    """MEKAAR_PUBLIC_SYNC: let automerge-repo clients without a token read documents by id at
    /sync (never write). Off: only invited nodes connect."""
    public_url: str = ""
    """MEKAAR_PUBLIC_URL: the address residents use (https://wezep.example), for links that leave
    the site: feeds, calendars, posters' QR codes. Empty: taken from each request."""
    log_format: Literal["text", "json"] = "text"
    """MEKAAR_LOG_FORMAT: `text` (readable lines) or `json` (one JSON object per line)."""
    replicate: bool = True
    """MEKAAR_REPLICATE: dial the peers added with `mekaar peer add` (off for a node kept apart)."""
    clock_shift_days: int = 0
    """MEKAAR_CLOCK_SHIFT_DAYS: run the node's rule clock this many days ahead (or behind), to
    rehearse what happens after a grant round's deadline on a practice node. It gives a host no
    power they lack: they set their server's clock anyway; other nodes still see the moments
    written into the documents. Never set it on a node residents use."""
    smtp_host: str = ""
    """MEKAAR_SMTP_HOST: the mail server for e-mail digests; empty: no e-mail is sent."""
    smtp_port: int = 587
    """MEKAAR_SMTP_PORT: its port (587 for submission with STARTTLS)."""
    smtp_user: str = ""
    """MEKAAR_SMTP_USER: the login at the mail server (empty: send without logging in)."""
    smtp_password: str = ""
    """MEKAAR_SMTP_PASSWORD: the password for that login."""
    smtp_from: str = ""
    """MEKAAR_SMTP_FROM: the sender of digests (empty: mekaar@ the mail server's name)."""
    smtp_starttls: bool = True
    """MEKAAR_SMTP_STARTTLS: encrypt the connection with STARTTLS (off only for a local relay)."""

    @property
    def sends_mail(self) -> bool:
        return bool(self.smtp_host)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def documents_path(self) -> Path:
        return self.data_path / "documents"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # accept the plain forms people paste and pick the async drivers we ship
            if url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url[len("postgres://") :]
            elif url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            elif url.startswith("sqlite:///"):
                url = "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
            return url
        return f"sqlite+aiosqlite:///{self.data_path / 'mekaar.db'}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Environment first, then flags (overrides that are not None win)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        names = {
            "data_dir": "MEKAAR_DATA",
            "database_url": "DATABASE_URL",
            "host": "MEKAAR_HOST",
            "port": "MEKAAR_PORT",
            "debug": "MEKAAR_DEBUG",
            "language": "MEKAAR_LANGUAGE",
            "secure_cookies": "MEKAAR_SECURE_COOKIES",
            "public_sync": "MEKAAR_PUBLIC_SYNC",
            "public_url": "MEKAAR_PUBLIC_URL",
            "log_format": "MEKAAR_LOG_FORMAT",
            "replicate": "MEKAAR_REPLICATE",
            "clock_shift_days": "MEKAAR_CLOCK_SHIFT_DAYS",
            "smtp_host": "MEKAAR_SMTP_HOST",
            "smtp_port": "MEKAAR_SMTP_PORT",
            "smtp_user": "MEKAAR_SMTP_USER",
            "smtp_password": "MEKAAR_SMTP_PASSWORD",
            "smtp_from": "MEKAAR_SMTP_FROM",
            "smtp_starttls": "MEKAAR_SMTP_STARTTLS",
        }
        for field, var in names.items():
            if var in env and env[var] != "":
                values[field] = env[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise ValueError(f"invalid setting: {exc}") from None


SETTING_VARIABLES = (
    "MEKAAR_DATA",
    "DATABASE_URL",
    "MEKAAR_HOST",
    "MEKAAR_PORT",
    "MEKAAR_DEBUG",
    "MEKAAR_LANGUAGE",
    "MEKAAR_SECURE_COOKIES",
    "MEKAAR_PUBLIC_SYNC",
    "MEKAAR_PUBLIC_URL",
    "MEKAAR_LOG_FORMAT",
    "MEKAAR_REPLICATE",
    "MEKAAR_CLOCK_SHIFT_DAYS",
    "MEKAAR_SMTP_HOST",
    "MEKAAR_SMTP_PORT",
    "MEKAAR_SMTP_USER",
    "MEKAAR_SMTP_PASSWORD",
    "MEKAAR_SMTP_FROM",
    "MEKAAR_SMTP_STARTTLS",
)
