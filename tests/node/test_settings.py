"""Settings come from MEKAAR_* variables and flags, and the README documents every one."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from node.settings import SETTING_VARIABLES, Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_has_a_variable_and_the_readme_documents_it() -> None:
    fields = msgspec.structs.fields(Settings)
    assert len(SETTING_VARIABLES) == len(fields)
    for variable in SETTING_VARIABLES:
        assert f"`{variable}`" in README, f"README does not document {variable}"


def test_environment_first_then_flags() -> None:
    env = {"MEKAAR_DATA": "/srv/oldebroek", "MEKAAR_PORT": "9000", "MEKAAR_DEBUG": "true"}
    settings = Settings.from_env(env, port=8100, host=None)
    assert settings.data_dir == "/srv/oldebroek"
    assert settings.port == 8100
    assert settings.host == "127.0.0.1"
    assert settings.debug is True


def test_database_urls_people_paste_get_the_async_drivers() -> None:
    assert Settings(database_url="postgres://u@db/mekaar").effective_database_url == (
        "postgresql+psycopg://u@db/mekaar"
    )
    sqlite = Settings(data_dir="/tmp/x").effective_database_url
    assert sqlite == "sqlite+aiosqlite:////tmp/x/mekaar.db"


def test_a_bad_setting_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="port"):
        Settings.from_env({"MEKAAR_PORT": "achtduizend"})
