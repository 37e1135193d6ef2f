"""deploy/ stays in step with the node: every setting it names exists, the unit files are
well-formed (checked by systemd-analyze where it is installed), the compose file parses and wires
the node to PostgreSQL, the proxy points where the node listens, and the commands the units run
exist in the `mekaar` CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from node.cli import main
from node.settings import SETTING_VARIABLES

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
CONTAINER_ONLY = {"MEKAAR_NAME"}  # the container's entrypoint: the name for `mekaar init`


def _env_file() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "mekaar.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z_]+", key), f"not KEY=VALUE: {line!r}"
            values[key] = value
    return values


def test_every_setting_named_in_deploy_exists() -> None:
    named = set()
    for path in DEPLOY.iterdir():
        named |= set(re.findall(r"\b(MEKAAR_[A-Z_]+|DATABASE_URL)\b", path.read_text()))
    unknown = named - set(SETTING_VARIABLES) - CONTAINER_ONLY
    assert not unknown, f"deploy/ names settings the node does not have: {sorted(unknown)}"


def test_the_proxy_points_where_the_node_listens() -> None:
    env = _env_file()
    assert env["MEKAAR_HOST"] == "127.0.0.1"  # only the proxy reaches the node
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert f"reverse_proxy {env['MEKAAR_HOST']}:{env['MEKAAR_PORT']}" in caddy
    assert env["MEKAAR_SECURE_COOKIES"] == "1" and env["MEKAAR_PUBLIC_URL"].startswith("https://")


def test_compose_wires_the_node_to_postgresql() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    node, db = compose["services"]["node"], compose["services"]["db"]
    assert node["environment"]["DATABASE_URL"].startswith("postgresql://mekaar:")
    assert node["depends_on"]["db"]["condition"] == "service_healthy"
    assert node["build"]["dockerfile"] == "deploy/Containerfile"
    assert any(str(p).startswith("127.0.0.1:") for p in node["ports"])
    assert db["environment"]["POSTGRES_DB"] == "mekaar"


def test_the_units_run_commands_the_cli_has() -> None:
    runner = CliRunner()
    for unit in ("mekaar.service", "mekaar-backup.service"):
        text = (DEPLOY / unit).read_text()
        for command in re.findall(r"/opt/mekaar/\.venv/bin/mekaar (\w+)", text):
            result = runner.invoke(main, [command, "--help"])
            assert result.exit_code == 0, f"{unit}: `mekaar {command}` does not exist"
    entry = (DEPLOY / "entrypoint.sh").read_text()
    for command in re.findall(r"\bmekaar (\w+)", entry):
        assert runner.invoke(main, [command, "--help"]).exit_code == 0


def test_the_entrypoint_is_valid_shell() -> None:
    done = subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], capture_output=True)
    assert done.returncode == 0, done.stderr


def _systemd_problems(path: Path) -> list[str]:
    """What systemd-analyze finds wrong, except that the paths a unit names do not exist on a
    test machine."""
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = (done.stdout + done.stderr).splitlines()
    return [line for line in lines if line.strip() and "is not executable" not in line]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
@pytest.mark.parametrize("unit", ["mekaar.service", "mekaar-backup.service", "mekaar-backup.timer"])
def test_systemd_accepts_the_units(unit: str, tmp_path: Path) -> None:
    assert _systemd_problems(DEPLOY / unit) == []
    broken = tmp_path / unit  # and the check can fail: the same unit with a typo
    broken.write_text((DEPLOY / unit).read_text().replace("[Unit]", "[Unti]"))
    assert _systemd_problems(broken)
