"""Log lines for machines: with MEKAAR_LOG_FORMAT=json every record is one JSON object per line
(time, level, logger, message, and any `extra=` fields), which journald, Loki or a plain `jq` read
without guessing at a format. The default stays the readable text line."""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(levelname)s - %(asctime)s - %(name)s - %(message)s"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        return json.dumps(entry, ensure_ascii=False)


def formatter_config(log_format: str) -> dict[str, Any]:
    """The `formatters` entry of a logging dictConfig for the chosen format."""
    if log_format == "json":
        return {"standard": {"()": JsonFormatter}}
    return {"standard": {"format": TEXT_FORMAT}}
