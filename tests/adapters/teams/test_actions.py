"""Every button the Teams cards can carry has a handler: the set of action ids written in bot/ and
adapters/teams/ equals the bot's handler table, and a real Activity for each is handled."""
from tests.adapters.action_ids import emitted_action_ids

NOT_RECOGNISED = "not recognised"


def test_rendered_action_ids_equal_the_handled_ones(teams):
    emitted = emitted_action_ids("teams")
    handled = set(teams.bot.actions)
    missing = {a: emitted[a] for a in emitted if a not in handled}
    assert not missing, f"buttons with no handler (add one to TechServTeamsBot.actions): {missing}"
    assert handled == set(emitted), f"handlers for buttons nothing sends: {handled - set(emitted)}"


def test_an_activity_for_every_button_is_handled(teams):
    teams.post(teams.activity(value={"action": "no_such_button", "value": "1"}))
    assert NOT_RECOGNISED in teams.connector.wait(1)[-1][2]["text"]
    for n, action_id in enumerate(sorted(emitted_action_ids("teams")), 2):
        assert teams.post(teams.activity(user="aad-sam", value={"action": action_id, "value": "1"})) == 200
        replies = [b for m, p, b in teams.connector.calls if m == "POST" and "conv-aad-sam" in p]
        assert replies and NOT_RECOGNISED not in str(replies[-1]), action_id


def test_the_reminders_open_button_shows_the_request_card(teams, ids):
    recs = teams.bot.records
    out = recs.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "observed on three sessions")
    teams.post(teams.activity(user="aad-sam", value={"action": "signoff_open", "value": str(out.request_id)}))
    [(_, _, body)] = teams.connector.wait(1)
    card = body["attachments"][0]["content"]
    assert "asks you to sign off ASP-01" in card["body"][0]["text"]
    assert [a["data"]["action"] for a in card["actions"]] == ["signoff_approve", "signoff_changes", "signoff_reject"]
    assert any(b.get("id") == "reason" and b.get("label") for b in card["body"])
