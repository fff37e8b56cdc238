"""Issue 12 through the Teams endpoint: the expert and sign-off intents and the whole section —
Activity JSON in, Adaptive Cards out through the local connector."""
from .test_teams_app import cards_of


def texts(card: dict) -> str:
    return " ".join(b.get("text", "") for b in card["body"])


def test_who_can_i_ask_and_how_to_get_signed_off(teams):
    assert teams.post(teams.activity("who can i ask about parenteral nutrition?")) == 200
    [(_, _, body)] = teams.connector.wait(1)
    [card] = cards_of(body)
    assert "Penny Nutri" in texts(card) and [a["data"]["action"] for a in card["actions"]] == ["ask_expert"]

    assert teams.post(teams.activity("what evidence do i need for ASP-08")) == 200
    [card] = cards_of(teams.connector.wait(2)[-1][2])
    assert "ASP-08" in texts(card) and "Evidence the assessor needs" in texts(card)
    start = next(a for a in card["actions"] if a["data"]["action"] == "signoff_start")
    assert teams.post(teams.activity(value=start["data"], reply_to="card-1")) == 200
    [form] = cards_of(teams.connector.wait(3)[-1][2])
    choice = next(b for b in form["body"] if b.get("id") == "competency")
    assert choice["value"] == "ASP-08" and form["version"] == "1.5"


def test_show_the_whole_section(teams):
    assert teams.post(teams.activity("what do i do if a bag leaks in the isolator")) == 200
    [card] = cards_of(teams.connector.wait(1)[0][2])
    show = next(a for a in card["actions"] if a["data"]["action"] == "show_section")
    assert teams.post(teams.activity(value=show["data"], reply_to="card-2")) == 200
    [whole] = cards_of(teams.connector.wait(2)[-1][2])
    assert "Record the leak and tell the supervisor" in texts(whole)
