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


def test_every_card_of_a_working_day_is_valid_and_fits(teams, ids):
    """Questions, commands, the sign-off form and a decision, reminders, an escalation answered at the
    longest length: every card the bot sent or updated is checked against its version's schema."""
    import asyncio
    import time

    from adapters.teams import cards, limits
    from bot.records.reminders import expiry_reminders, pending_reminders
    from tests.adapters.gallery import LINKS, LONG_ANSWER, LONG_EVIDENCE, LONG_QUESTION

    recs = teams.bot.records
    for user in ("aad-sam", "aad-tara", "aad-penny"):
        teams.post(teams.activity("help", user=user))
    for text in ("what goes in a cytotoxic spill kit", "what is the car parking policy", "/records", "/passport",
                 "signoff", "my questions"):
        teams.post(teams.activity(text))
    teams.post(teams.activity(value={"action": "signoff_submit", "competency": "ASP-02", "mentor": "sam@example.nhs.uk",
                                     "evidence": LONG_EVIDENCE, "links": "\n".join(LINKS)}))
    rid = recs.signoffs.pending(ids["sam"])[0].id
    teams.post(teams.activity(user="aad-sam", value={"action": "signoff_reject", "value": str(rid),
                                                     "reason": "Not yet: " + "x " * 1400}, reply_to="card-1"))
    recs.clock.advance(days=5)
    other = recs.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "observed")
    deliver = lambda notes: asyncio.run_coroutine_threadsafe(teams.bot.deliver(notes), teams.loop.loop).result(30)  # noqa: E731
    deliver(pending_reminders(recs.sessions, 3, recs.clock.now) + other.notifications)
    teams.post(teams.activity(user="aad-sam", value={"action": "signoff_approve", "value": str(other.request_id)},
                              reply_to="card-2"))
    recs.clock.advance(days=350)
    deliver(expiry_reminders(recs.sessions, recs.clock.now))
    teams.post(teams.activity("expert " + LONG_QUESTION))
    end = time.time() + 30
    while time.time() < end and not recs.experts.assigned(next(iter([recs.person_by_email("penny@example.nhs.uk").id]))):
        time.sleep(0.1)
    esc = recs.experts.assigned(recs.person_by_email("penny@example.nhs.uk").id)[0].id
    teams.post(teams.activity(user="aad-penny", value={"action": "escalation_answer", "value": str(esc),
                                                       "answer": LONG_ANSWER}))
    time.sleep(1.0)

    sent = [(m, b) for m, p, b in teams.connector.calls if m in ("POST", "PUT")]
    contents = [a["content"] for _, b in sent for a in b.get("attachments") or []]
    assert len(contents) > 12 and any(c["version"] == "1.5" for c in contents)
    found = [(i, p) for i, c in enumerate(contents) for p in card_problems(c)]
    assert not found, found[:20]
    assert all(cards.size(c) <= limits.CARD_BYTES.value for c in contents)
    updated = [b for m, b in sent if m == "PUT"]
    assert len(updated) == 2 and all("asks you to sign off" in json.dumps(b) for b in updated)
