"""The manifest asks for exactly what the code uses: scopes, events, commands, interactivity."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
APP = (ROOT / "adapters" / "slack" / "app.py").read_text()
MANIFEST = yaml.safe_load((ROOT / "adapters" / "slack" / "manifest.yaml").read_text())

# chat.postMessage answers `/ask` in whatever channel it was typed in: without chat:write.public Slack
# answers not_in_channel for a public channel the app has not joined
METHOD_SCOPES = {"chat_postMessage": {"chat:write", "chat:write.public"}, "chat_postEphemeral": {"chat:write"},
                 "chat_update": {"chat:write"},
                 "users_info": {"users:read", "users:read.email"},  # the email maps Slack users to people
                 "views_open": set(), "views_publish": set()}
EVENT_SCOPES = {"app_mention": ("app_mention", {"app_mentions:read"}), "message": ("message.im", {"im:history"}),
                "app_home_opened": ("app_home_opened", set())}


def test_scopes_events_and_commands_match_the_code():
    methods = set(re.findall(r"\.(chat_\w+|users_\w+|views_\w+|conversations_\w+)\(", APP))
    unknown = methods - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES and the manifest"
    events = set(re.findall(r'@app\.event\("([\w.]+)"\)', APP))
    commands = set(re.findall(r'@app\.command\("(/\w+)"\)', APP))
    scopes = set().union(*(METHOD_SCOPES[m] for m in methods), *(EVENT_SCOPES[e][1] for e in events))
    if commands:
        scopes.add("commands")
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == scopes
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == {EVENT_SCOPES[e][0] for e in events}
    assert {c["command"] for c in MANIFEST["features"]["slash_commands"]} == commands
    uses_interactivity = bool(re.search(r"@app\.(action|view)\(", APP))
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is uses_interactivity
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is ("app_home_opened" in events)


def test_ask_can_answer_in_channels_the_app_has_not_joined_and_the_bot_name_is_valid():
    assert "chat:write.public" in MANIFEST["oauth_config"]["scopes"]["bot"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", MANIFEST["features"]["bot_user"]["display_name"])
