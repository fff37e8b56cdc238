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


def test_app_icons_are_the_sizes_and_colours_teams_requires(tmp_path):
    """color.png 192×192 with a symbol on the background; outline.png 32×32, white on transparent only."""
    import io

    from PIL import Image

    target = tmp_path / "teams.zip"
    assert CliRunner().invoke(app, ["teams", "package", "--app-id", APP_ID, "-o", str(target)]).exit_code == 0
    with zipfile.ZipFile(target) as z:
        colour = Image.open(io.BytesIO(z.read("color.png"))).convert("RGBA")
        outline = Image.open(io.BytesIO(z.read("outline.png")))
    assert colour.size == (192, 192) and outline.size == (32, 32) and outline.mode == "RGBA"
    colours = {colour.getpixel((x, y)) for x in range(192) for y in range(192)}
    assert len(colours) > 2, "the colour icon needs a symbol, not a flat square"
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in pixels), \
        "the outline icon may hold only white and transparency"
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)
