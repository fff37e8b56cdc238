"""Every Slack payload checked against Slack's own rules: slack_sdk's Block Kit models and the limits
in adapters/slack/limits.py (each with the documentation page it comes from)."""
from .blockkit import view_problems


def test_signoff_modal_opens_within_slacks_limits(slack):
    """`/signoff` with no arguments opens the modal: Slack refuses a view outside its limits."""
    assert slack.command("/signoff", "", "U-TARA") == 200
    [opened] = slack.api.wait_for("views.open")
    problems = view_problems(opened["view"])
    assert not problems, "views.open would be refused:\n" + "\n".join(problems)
