"""A trainee in Slack names a mentor who only uses Teams: the request reaches the mentor in Teams,
and the mentor's decision reaches the trainee back in Slack."""

from adapters.bridge import connect
from tests.adapters.slack.conftest import slack  # noqa: F401
from tests.adapters.teams.conftest import teams  # noqa: F401
from tests.bot.conftest import clock, db_url, engine, framework, ids, records  # noqa: F401


def test_slack_trainee_teams_mentor(slack, teams, ids):  # noqa: F811
    connect(slack.adapter, teams.bot, teams.loop.loop)
    # Mo only uses Teams: one message there stores the conversation reference for proactive cards
    assert teams.post(teams.activity("help", user="aad-mo")) == 200
    teams.connector.wait(1)
    assert slack.command("/signoff", "ASP-01 mo@example.nhs.uk observed on three sessions", "U-TARA") == 200
    [eph] = slack.api.wait_for("chat.postEphemeral")
    assert "sent to Mo Mentor" in eph["text"]
    card = teams.connector.wait(2)[-1][2]["attachments"][0]["content"]
    assert "asks you to sign off ASP-01" in card["body"][0]["text"]
    approve = next(a for a in card["actions"] if a["data"]["action"] == "signoff_approve")
    assert teams.post(teams.activity(user="aad-mo", value=approve["data"], reply_to="card-9")) == 200
    told = slack.api.wait_for("chat.postMessage")
    assert told[-1]["channel"] == "U-TARA" and "approved" in told[-1]["text"]
