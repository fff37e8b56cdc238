"""Issue 12 through the Bolt app: the expert and sign-off intents, follow-ups in a thread, the whole
section, and the clinical scope guard — real signed requests, the Web API a local recorder."""
from .test_slack_app import dm


def test_who_can_i_ask_names_the_expert(slack):
    assert slack.event(dm("who can i ask about the technetium generator?"), "Ev-who") == 200
    [post] = slack.api.wait_for("chat.postMessage")
    text = " ".join(b.get("text", {}).get("text", "") for b in post["blocks"] if b["type"] == "section")
    assert "Rae Dioactive" in text and "rae@example.nhs.uk" in text
    assert [e["action_id"] for e in post["blocks"][-1]["elements"]] == ["ask_expert"]


def test_how_do_i_get_signed_off_then_the_form_opens_with_the_competency(slack):
    assert slack.event(dm("how do i get signed off for gowning for grade B?"), "Ev-how") == 200
    [post] = slack.api.wait_for("chat.postMessage")
    text = " ".join(b.get("text", {}).get("text", "") for b in post["blocks"] if b["type"] == "section")
    assert "Evidence the assessor needs" in text and "/signoff ASP-0" in text
    [start] = post["blocks"][-1]["elements"]
    assert start["action_id"] == "signoff_start"
    assert slack.click("signoff_start", start["value"], "U-TARA", {"ts": post.get("ts", "1.0"), "text": "", "blocks": []}) == 200
    [opened] = slack.api.wait_for("views.open")
    assert opened["view"]["blocks"][0]["element"]["initial_option"]["value"] == start["value"]


def test_follow_up_in_a_thread_and_the_whole_section(slack):
    assert slack.event(dm("whats the grade b particle limit in operation", ts="500.1"), "Ev-f1") == 200
    [first] = slack.api.wait_for("chat.postMessage")
    assert slack.event(dm("and in grade C?", ts="500.2", thread_ts="500.1"), "Ev-f2") == 200
    follow = slack.api.wait_for("chat.postMessage", 2)[-1]
    assert follow["blocks"][0]["type"] == "context" and "Taking this as" in follow["blocks"][0]["elements"][0]["text"]
    assert "3 520 000" in follow["text"] or any("3 520 000" in b.get("text", {}).get("text", "") for b in follow["blocks"]
                                               if b["type"] == "section")
    show = next(e for e in first["blocks"][-1]["elements"] if e["action_id"] == "show_section")
    assert slack.click("show_section", show["value"], "U-TARA", {"ts": "500.9", "thread_ts": "500.1", "text": "",
                                                                 "blocks": []}, channel="D-TARA") == 200
    whole = slack.api.wait_for("chat.postMessage", 3)[-1]
    assert whole["thread_ts"] == "500.1" and "Particle limits" in whole["text"]


def test_a_new_thread_is_not_a_follow_up(slack):
    assert slack.event(dm("whats the grade b particle limit in operation", ts="600.1"), "Ev-n1") == 200
    slack.api.wait_for("chat.postMessage")
    assert slack.event(dm("and in grade C?", ts="600.2", thread_ts="699.9"), "Ev-n2") == 200
    reply = slack.api.wait_for("chat.postMessage", 2)[-1]
    assert not any(b["type"] == "context" and "Taking this as" in b["elements"][0]["text"] for b in reply["blocks"])


def test_clinical_question_gets_the_fixed_reply_without_quotes(slack):
    assert slack.event(dm("my patient is 70kg whats the dose of cyclophosphamide"), "Ev-clin") == 200
    [post] = slack.api.wait_for("chat.postMessage")
    assert "clinical protocol" in post["text"] and not any(b["type"] == "section" and b["text"]["text"].startswith(">")
                                                          for b in post["blocks"])
