"""JSON log lines: one object per record, extra fields kept, exceptions included; and a served
node writes nothing but such lines (uvicorn's access lines too) when asked for JSON."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import httpx

from node.logs import JsonFormatter
from tests.federation.nodes import RunningNode


def test_a_record_becomes_one_json_object_with_its_extra_fields() -> None:
    try:
        raise ValueError("kapot")
    except ValueError:
        record = logging.LogRecord(
            "mekaar.replication",
            logging.WARNING,
            __file__,
            1,
            "peer %s weg",
            ("Hattem",),
            sys.exc_info(),
        )
    record.peer = "Hattem"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "warning" and entry["logger"] == "mekaar.replication"
    assert entry["message"] == "peer Hattem weg" and entry["peer"] == "Hattem"
    assert "ValueError: kapot" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_a_served_node_logs_json_lines_only(tmp_path: Path) -> None:
    node = RunningNode(tmp_path, "Wezep")
    try:
        node.start(env={"MEKAAR_LOG_FORMAT": "json"})
        assert httpx.get(f"{node.url}/over", timeout=10).status_code == 200
    finally:
        node.close()
    lines = [line for line in node.log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is JSON
    assert any(e["logger"] == "uvicorn.access" and "/over" in e["message"] for e in entries)
