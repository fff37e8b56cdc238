"""Every Slack payload checked against Slack's own rules: slack_sdk's Block Kit models and the limits
in adapters/slack/limits.py (each with the documentation page it comes from)."""
from .blockkit import view_problems


def test_signoff_modal_opens_within_slacks_limits(slack):
    """`/signoff` with no arguments opens the modal: Slack refuses a view outside its limits."""
    assert slack.command("/signoff", "", "U-TARA") == 200
    [opened] = slack.api.wait_for("views.open")
    problems = view_problems(opened["view"])
    assert not problems, "views.open would be refused:\n" + "\n".join(problems)


def test_every_payload_of_a_working_day_is_within_slacks_rules(slack, ids):
    """Questions, commands, the sign-off modal and its decision, reminders, an escalation answered at
    the longest length, App Home for three people: every Web API call the app made is checked."""
    import time

    from bot.records.reminders import expiry_reminders, pending_reminders
    from tests.adapters.gallery import LINKS, LONG_ANSWER, LONG_EVIDENCE, LONG_QUESTION

    from .blockkit import payload_problems

    def dm(text, user="U-TARA"):
        return {"type": "message", "channel_type": "im", "channel": f"D-{user}", "user": user, "text": text,
                "ts": f"{time.time():.6f}"}

    api, recs = slack.api, slack.adapter.records
    slack.event({"type": "app_mention", "channel": "C-GEN", "user": "U-TARA", "ts": "100.1",
                 "text": "<@U-BOT> what goes in a cytotoxic spill kit"}, "Ev-a")
    for n, text in enumerate(["what is the car parking policy", "help", "/records", "/passport", "   "]):
        slack.event(dm(text), f"Ev-dm-{n}")
    slack.event(dm("/pending", "U-SAM"), "Ev-pending")
    slack.command("/ask", "how long can settle plates be left out", "U-TARA")
    slack.command("/passport", "", "U-TARA")
    slack.command("/signoff", "", "U-TARA")
    api.wait_for("views.open")
    slack.submit("signoff_request", "U-TARA", {
        "competency": {"value": {"type": "static_select", "selected_option": {"value": "ASP-02"}}},
        "mentor": {"value": {"type": "users_select", "selected_user": "U-SAM"}},
        "evidence": {"value": {"type": "plain_text_input", "value": LONG_EVIDENCE[:3000]}},
        "links": {"value": {"type": "plain_text_input", "value": "\n".join(LINKS)}}})
    [mentor_dm] = api.wait_for("chat.postMessage", where=lambda p: p["channel"] == "U-SAM" and "ASP-02" in p["text"])
    rid = recs.signoffs.pending(ids["sam"])[0].id
    long = recs.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", LONG_EVIDENCE, LINKS)
    slack.adapter.deliver(long.notifications)
    slack.click("signoff_reject", str(rid), "U-SAM", {"ts": "5.5", "text": "", "blocks": mentor_dm["blocks"]}, channel="D-SAM")
    [reason] = api.wait_for("views.open", 2)[1:]
    slack.submit("signoff_reason", "U-SAM", {"reason": {"value": {"type": "plain_text_input", "value": "x " * 1400}}},
                 reason["view"]["private_metadata"])
    api.wait_for("chat.update")
    slack.click("signoff_approve", str(long.request_id), "U-SAM", {"ts": "6.6", "text": "", "blocks": []},
                channel="D-SAM", action_ts="7.7")
    api.wait_for("chat.update", 2)
    recs.clock.advance(days=355)
    slack.adapter.deliver(pending_reminders(recs.sessions, 3, recs.clock.now) + expiry_reminders(recs.sessions, recs.clock.now))
    slack.click("ask_expert", LONG_QUESTION, "U-TARA", {"ts": "200.2", "thread_ts": "200.1", "text": "", "blocks": []},
                channel="C-GEN")
    [expert_dm] = api.wait_for("chat.postMessage", where=lambda p: p["channel"] == "U-PENNY")
    esc = expert_dm["blocks"][-1]["elements"][0]["value"]
    slack.click("escalation_answer", esc, "U-PENNY")
    [answer] = api.wait_for("views.open", 3)[2:]
    slack.submit("escalation_answer", "U-PENNY", {
        "reason": {"value": {"type": "plain_text_input", "value": LONG_ANSWER[:3000]}},
        "more": {"value": {"type": "plain_text_input", "value": LONG_ANSWER[3000:]}}}, answer["view"]["private_metadata"])
    api.wait_for("chat.postMessage", where=lambda p: p.get("thread_ts") == "200.1" and "answered your question" in p["text"])
    for user in ("U-TARA", "U-SAM", "U-PENNY"):
        slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D-{user}"}, f"Ev-home-{user}")
    api.wait_for("views.publish", 3)
    time.sleep(1.0)

    with api.lock:
        calls = list(api.calls)
    checked = [(m, p) for m, p in calls if m.startswith(("chat.", "views."))]
    assert len(checked) >= 25
    found = [(m, problem) for m, p in checked for problem in payload_problems(m, p)]
    assert not found, "\n".join(f"{m}: {p}" for m, p in found[:30])
    answered = [p for m, p in calls if m == "chat.postMessage" and p.get("thread_ts") == "200.1"]
    assert "Reply `close E-1`" in " ".join(b["text"]["text"] for p in answered for b in p["blocks"] if b["type"] == "section")
