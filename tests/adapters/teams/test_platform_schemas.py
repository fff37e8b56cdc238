"""What the Teams adapter sends, checked against Microsoft's published schemas in
../shared/platform-schemas: the app manifest (v1.16) and each Adaptive Card at its declared version."""
import json
import zipfile

from typer.testing import CliRunner

from adapters.cli import app
from tests.adapters.platform_schemas import card_problems, manifest_problems

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_app_package_manifest_validates_against_the_v1_16_schema(tmp_path):
    target = tmp_path / "teams.zip"
    result = CliRunner().invoke(app, ["teams", "package", "--app-id", APP_ID, "-o", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as z:
        manifest = json.loads(z.read("manifest.json"))
    problems = manifest_problems(manifest)
    assert not problems, "Teams would refuse the upload:\n" + "\n".join(problems)


def test_signoff_form_card_is_valid_at_its_declared_version(teams):
    teams.post(teams.activity("signoff"))
    [(_, _, body)] = teams.connector.wait(1)
    [attachment] = body["attachments"]
    problems = card_problems(attachment["content"])
    assert not problems, f"card version {attachment['content'].get('version')}:\n" + "\n".join(problems)
