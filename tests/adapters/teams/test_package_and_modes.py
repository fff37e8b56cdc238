import json
import zipfile

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from adapters.teams.app import make_app


def test_package_zip(tmp_path):
    target = tmp_path / "teams.zip"
    result = CliRunner().invoke(app, ["teams", "package", "--app-id", "00000000-1111-2222-3333-444444444444",
                                      "-o", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as z:
        assert set(z.namelist()) == {"manifest.json", "color.png", "outline.png"}
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["bots"][0]["botId"] == manifest["id"] == "00000000-1111-2222-3333-444444444444"
        assert z.read("color.png").startswith(b"\x89PNG") and z.read("outline.png").startswith(b"\x89PNG")
    assert CliRunner().invoke(app, ["teams", "package", "-o", str(target)], env={"MicrosoftAppId": ""}).exit_code == 2


def test_no_credentials_needs_the_explicit_local_setting(conversation, caplog):
    with pytest.raises(ValueError, match="TECHSERV_TEAMS_ALLOW_UNAUTHENTICATED"):
        make_app(conversation, app_id=None, app_password=None)


def test_local_mode_binds_to_loopback_and_warns(caplog):
    from adapters.teams.runner import build
    from bot.config import Settings

    class Conv:  # the runner only hands it on; the bot needs records
        records = object()

    s = Settings(teams_allow_unauthenticated=True, teams_host="0.0.0.0")
    with caplog.at_level("WARNING"):
        _, host = build(s, Conv())
    assert host == "127.0.0.1" and "AUTHENTICATION IS OFF" in caplog.text
