"""Scenario tests: real signed HTTP requests into the Bolt app; the Web API is a local recorder."""
import json
import time

from bot.db import signoffs as so_db
from bot.records.audit import verify_chain

from .conftest import TEAM


def dm(text, user="U-TARA", ts=None, thread_ts=None):
    ev = {"type": "message", "channel_type": "im", "channel": "D-TARA", "user": user, "text": text,
          "ts": ts or f"{time.time():.6f}"}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return ev


def test_mention_gets_a_threaded_answer_with_citations(slack):
    status = slack.event({"type": "app_mention", "channel": "C-GEN", "user": "U-TARA", "ts": "100.1",
                          "text": "<@U-BOT> what goes in a cytotoxic spill kit"}, "Ev-1")
    assert status == 200
    [post] = slack.api.wait_for("chat.postMessage")
    assert post["channel"] == "C-GEN" and post["thread_ts"] == "100.1"
    blocks = post["blocks"]
    assert "absorbent pads" in blocks[0]["text"]["text"]
    context = blocks[1]["elements"][0]["text"]
    assert "Cytotoxic spill management · Using the spill kit · v2.0" in context
    buttons = [e["action_id"] for e in blocks[-1]["elements"]]
    assert buttons[:2] == ["feedback_helpful", "feedback_not_helpful"]
    # first contact mapped the Slack user to the registered person by email
    assert slack.api.of("users.info")[0]["user"] == "U-TARA"


def test_duplicate_delivery_gives_one_reply_and_a_lost_first_delivery_is_processed(slack):
    ev = dm("how long can settle plates be left out")
    assert slack.event(ev, "Ev-dup") == 200
    assert slack.event(ev, "Ev-dup", retry=1) == 200
    slack.api.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(slack.api.of("chat.postMessage")) == 1
    # a retry whose first delivery never arrived is still answered
    assert slack.event(dm("what makes a broth transfer pass"), "Ev-never-seen", retry=2) == 200
    slack.api.wait_for("chat.postMessage", 2)


def test_follow_up_in_a_thread_keeps_the_thread(slack):
    slack.event(dm("what goes in a chemo spill kit", thread_ts="55.5"), "Ev-thread")
    [post] = slack.api.wait_for("chat.postMessage")
    assert post["thread_ts"] == "55.5"


def test_bad_or_stale_signature_is_rejected_with_no_side_effects(slack):
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "Ev-bad",
                       "event": dm("what goes in a spill kit")})
    assert slack.post(body, "application/json", secret="wrong")[0] == 401
    assert slack.post(body, "application/json", age=60 * 10)[0] == 401
    time.sleep(0.5)
    assert slack.api.of("chat.postMessage") == [] and slack.api.of("users.info") == []


def test_unknown_user_is_told_to_ask_their_training_lead(slack):
    slack.event(dm("what goes in a spill kit", user="U-NOBODY"), "Ev-unknown")
    [post] = slack.api.wait_for("chat.postMessage")
    assert "ask your training lead to add you" in post["text"]


def test_signoff_modal_mentor_dm_approve_trainee_told_passport_and_audit(slack, ids):
    assert slack.command("/signoff", "", "U-TARA") == 200
    [opened] = slack.api.wait_for("views.open")
    options = opened["view"]["blocks"][0]["element"]["options"]
    assert {"ASP-01", "RAD-02"} <= {o["value"] for o in options}
    values = {"competency": {"value": {"type": "static_select", "selected_option": {"value": "ASP-01"}}},
              "mentor": {"value": {"type": "users_select", "selected_user": "U-SAM"}},
              "evidence": {"value": {"type": "plain_text_input", "value": "observed 3 sessions https://ev.example/1"}}}
    assert slack.submit("signoff_request", "U-TARA", values) == 200
    [mentor_dm] = slack.api.wait_for("chat.postMessage", where=lambda p: p["channel"] == "U-SAM")
    assert "asks you to sign off ASP-01" in mentor_dm["blocks"][0]["text"]["text"]
    approve = next(b for b in mentor_dm["blocks"][1]["elements"] if b["action_id"] == "signoff_approve")
    message = {"ts": "200.2", "text": mentor_dm["text"], "blocks": mentor_dm["blocks"]}

    # someone else clicks Approve: refused, record unchanged
    assert slack.click("signoff_approve", approve["value"], "U-JO", message) == 200
    refusal = slack.api.wait_for("chat.postEphemeral")[-1]
    assert refusal["user"] == "U-JO" and "Only an authorised assessor" in refusal["text"]
    assert slack.api.of("chat.update") == []

    assert slack.click("signoff_approve", approve["value"], "U-SAM", message, action_ts="300.3") == 200
    [update] = slack.api.wait_for("chat.update")
    assert update["ts"] == "200.2" and "approved; signed by Sam Mentor" in update["blocks"][-1]["elements"][0]["text"]
    assert slack.api.wait_for("chat.postMessage", where=lambda p: p["channel"] == "U-TARA" and "approved" in p["text"])
    # the same click delivered twice → still one signature
    slack.click("signoff_approve", approve["value"], "U-SAM", message, action_ts="300.3")
    slack.api.wait_for("chat.postEphemeral", 3)
    request_id = int(approve["value"])
    with slack.adapter.records.sessions() as s:
        req = so_db.get_request(s, request_id)
        assert req.status == "approved" and len(req.signatures) == 1
        assert req.signatures[0].platform == "slack" and req.signatures[0].platform_event_id == f"{TEAM}:300.3"
        assert verify_chain(s).ok
    assert slack.adapter.records.passport(ids["tara"]).by_state("current")[0].competency_id == "ASP-01"


def test_reject_opens_a_reason_modal(slack):
    out = slack.adapter.records.signoffs.request(slack.adapter.records.person_by_email("tara@example.nhs.uk").id,
                                                 "ASP-02", "sam@example.nhs.uk")
    slack.click("signoff_reject", str(out.request_id), "U-SAM", {"ts": "9.9", "text": "t", "blocks": []})
    [opened] = slack.api.wait_for("views.open")
    meta = opened["view"]["private_metadata"]
    values = {"reason": {"value": {"type": "plain_text_input", "value": "gown touched the floor"}}}
    slack.submit("signoff_reason", "U-SAM", values, meta)
    [update] = slack.api.wait_for("chat.update")
    assert "not approved" in update["text"]


def test_click_from_another_workspace_is_refused(slack):
    out = slack.adapter.records.signoffs.request(slack.adapter.records.person_by_email("tara@example.nhs.uk").id,
                                                 "ASP-02", "sam@example.nhs.uk")
    slack.click("signoff_approve", str(out.request_id), "U-SAM", team="T-OTHER")
    [eph] = slack.api.wait_for("chat.postEphemeral")
    assert "another Slack workspace" in eph["text"]
    with slack.adapter.records.sessions() as s:
        assert so_db.get_request(s, out.request_id).status == "requested"


def test_escalation_claim_answer_lands_in_the_trainees_thread(slack):
    slack.event({"type": "app_mention", "channel": "C-GEN", "user": "U-TARA", "ts": "400.4",
                 "text": "<@U-BOT> can calcium gluconate go straight after phosphate in a neonatal PN bag"}, "Ev-esc")
    [answer] = slack.api.wait_for("chat.postMessage")
    slack.click("ask_expert", "can calcium gluconate go straight after phosphate in a neonatal PN bag", "U-TARA",
                {"ts": "401.1", "thread_ts": "400.4", "text": "", "blocks": []}, channel="C-GEN")
    assert answer["thread_ts"] == "400.4"
    [expert_dm] = slack.api.wait_for("chat.postMessage", where=lambda p: p["channel"] == "U-PENNY")
    claim = next(b for b in expert_dm["blocks"][1]["elements"] if b["action_id"] == "escalation_claim")
    slack.click("escalation_claim", claim["value"], "U-PENNY")
    slack.click("escalation_answer", claim["value"], "U-PENNY")
    [opened] = slack.api.wait_for("views.open")
    slack.submit("escalation_answer", "U-PENNY",
                 {"reason": {"value": {"type": "plain_text_input", "value": "Never consecutively: phosphate early, calcium late."}}},
                 opened["view"]["private_metadata"])
    end = time.time() + 20
    while time.time() < end and not any(p.get("thread_ts") == "400.4" and "phosphate early" in p["text"]
                                        for p in slack.api.of("chat.postMessage")):
        time.sleep(0.05)
    in_thread = [p for p in slack.api.of("chat.postMessage") if p.get("thread_ts") == "400.4" and "phosphate early" in p["text"]]
    assert in_thread and in_thread[0]["channel"] == "C-GEN"


def test_rate_limited_post_is_retried_after_retry_after(slack):
    slack.api.fail_next["chat.postMessage"] = 1
    slack.event(dm("what goes in a cytotoxic spill kit"), "Ev-429")
    slack.api.wait_for("chat.postMessage", timeout=30)
    assert [m for m, _ in slack.api.calls if m.startswith("chat.postMessage")][:2] == ["chat.postMessage:429", "chat.postMessage"]


def test_passport_command_is_ephemeral_and_home_tab_is_published(slack, ids):
    slack.command("/passport", "", "U-TARA")
    [eph] = slack.api.wait_for("chat.postEphemeral")
    assert eph["user"] == "U-TARA" and "Skills passport" in eph["text"]
    slack.event({"type": "app_home_opened", "user": "U-SAM", "tab": "home", "channel": "D-SAM"}, "Ev-home")
    [home] = slack.api.wait_for("views.publish")
    assert home["user_id"] == "U-SAM" and "Sign-offs waiting for your decision" in json.dumps(home["view"])
