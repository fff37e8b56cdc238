"""Every button the Slack renderers can send has a listener: the set of action ids written in bot/
and adapters/slack/ equals the set the app registers, and a real signed click on each reaches it
(Bolt answers 404 to a click nothing listens for)."""
from tests.adapters.action_ids import emitted_action_ids


def test_rendered_action_ids_equal_the_handled_ones(slack):
    emitted = emitted_action_ids("slack")
    handled = set(slack.adapter.actions)
    missing = {a: emitted[a] for a in emitted if a not in handled}
    assert not missing, f"buttons with no listener (add one to SlackAdapter.actions): {missing}"
    assert handled == set(emitted), f"listeners for buttons nothing sends: {handled - set(emitted)}"


def test_a_click_on_every_button_reaches_its_listener(slack):
    assert slack.click("no_such_button", "1", "U-SAM") == 404  # what an unhandled button gets
    for action_id in sorted(emitted_action_ids("slack")):
        assert slack.click(action_id, "1", "U-SAM") == 200, action_id


def test_the_reminders_open_button_shows_the_request_with_its_buttons(slack, ids):
    from bot.records.reminders import pending_reminders

    recs = slack.adapter.records
    slack.event({"type": "app_home_opened", "user": "U-SAM", "tab": "home", "channel": "D-SAM"}, "Ev-home-sam")
    slack.api.wait_for("views.publish")  # Sam's first contact links his Slack account by email
    out = recs.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "observed on three sessions")
    recs.clock.advance(days=5)
    [note] = pending_reminders(recs.sessions, 3, recs.clock.now)
    slack.adapter.deliver([note])
    [reminder] = slack.api.wait_for("chat.postMessage")
    button = reminder["blocks"][-1]["elements"][0]
    assert button["action_id"] == "signoff_open" and button["value"] == str(out.request_id)
    slack.click("signoff_open", button["value"], "U-SAM", channel="D-SAM")
    [shown] = slack.api.wait_for("chat.postMessage", 2)[1:]
    assert "asks you to sign off ASP-01" in shown["blocks"][0]["text"]["text"]
    assert [b["action_id"] for b in shown["blocks"][-1]["elements"]] == ["signoff_approve", "signoff_changes",
                                                                         "signoff_reject"]
    slack.click("signoff_open", button["value"], "U-JO", channel="D-JO")  # not Jo's to see
    refusal = slack.api.wait_for("chat.postEphemeral")[-1]
    assert "not yours to see" in refusal["text"]
