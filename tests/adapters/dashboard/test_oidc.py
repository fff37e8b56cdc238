"""OpenID Connect sign-in against the local identity-provider stand-in, and what each role may see —
real HTTP into the running app, on SQLite and PostgreSQL."""
from __future__ import annotations

import time

import yaml

from bot.records.people import import_people
from tests.bot.conftest import PEOPLE

from .conftest import CLIENT_ID, sign_in


def test_good_login_maps_the_email_to_the_registered_person(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    client, page = sign_in(url, idp, "ADA@example.nhs.uk")
    assert page.status_code == 200 and page.url.path == "/matrix"
    assert "Ada Admin" in page.text and "Cohort matrix" in page.text
    sent = idp.token_requests[-1]
    assert sent["client_id"] == CLIENT_ID and sent["grant_type"] == "authorization_code" and sent["code_verifier"]
    set_cookie = next(h for r in page.history for h in r.headers.get_list("set-cookie") if h.startswith("techserv_session="))
    assert "httponly" in set_cookie.lower() and "samesite=lax" in set_cookie.lower()  # signed: itsdangerous
    # signing out ends the session
    token = __import__("re").search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    assert client.post("/logout", data={"csrftoken": token}).url.path == "/login"
    assert client.get("/matrix").url.path == "/login"


def _refused(url, idp, email="ada@example.nhs.uk", **issue):
    client, page = sign_in(url, idp, email, **issue)
    assert page.status_code == 403 and "Sign-in refused" in page.text, page.text
    assert client.get("/matrix").url.path == "/login"  # no session was made
    return page.text


def test_wrong_issuer_is_refused(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    assert "not valid" in _refused(url, idp, iss="https://attacker.example")


def test_discovery_naming_another_issuer_is_refused(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    idp.discovery_issuer = "https://attacker.example"
    client, page = sign_in(url, idp, "ada@example.nhs.uk")
    assert page.status_code == 502 and "names issuer" in page.text
    assert not idp.token_requests


def test_wrong_audience_is_refused(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    assert "not valid" in _refused(url, idp, aud="another-app")


def test_expired_token_is_refused(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    now = int(time.time())
    assert "not valid" in _refused(url, idp, iat=now - 7200, exp=now - 3600)


def test_unknown_email_is_refused_with_what_to_do(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    text = _refused(url, idp, email="nobody@example.nhs.uk")
    assert "nobody@example.nhs.uk is not registered" in text and "techserv people import" in text


def test_unverified_email_is_refused(serve_dashboard, idp):
    url, _ = serve_dashboard(issuer=idp.url)
    assert "not verified" in _refused(url, idp, email_verified=False)


def test_a_trainee_sees_only_themselves(serve_dashboard, idp, ids):
    url, _ = serve_dashboard(issuer=idp.url)
    client, page = sign_in(url, idp, "tara@example.nhs.uk")
    assert page.url.path == f"/people/{ids['tara']}" and "Skills passport" in page.text
    for other in ("sam", "mo", "jo", "ada"):
        assert client.get(f"/people/{other and ids[other]}").status_code == 404
        assert client.get(f"/people/{ids[other]}/passport.pdf").status_code == 404
    matrix = client.get("/matrix").text
    assert "Tara Trainee" in matrix and "Jo Junior" not in matrix
    assert client.get("/audit").status_code == 403 and client.get("/knowledge").status_code == 403
    assert "Jo Junior" not in client.get("/matrix.csv").text


def test_a_mentor_sees_only_their_trainees(serve_dashboard, idp, records, ids, tmp_path, clock):
    # Tara asks Sam to sign off: while it waits on him, Tara is Sam's trainee; Jo is assigned to Mo
    out = records.signoffs.request(ids["tara"], "ASP-01", "sam@example.nhs.uk", "observed on three sessions")
    assert out.ok
    people = [dict(p, mentors=["mo@example.nhs.uk"]) if p["email"] == "jo@example.nhs.uk" else p for p in PEOPLE]
    (tmp_path / "people.yaml").write_text(yaml.safe_dump({"people": people}))
    assert import_people(records.sessions, tmp_path / "people.yaml").assignments == 1
    url, _ = serve_dashboard(issuer=idp.url)

    sam, page = sign_in(url, idp, "sam@example.nhs.uk")
    assert "Tara Trainee" in page.text and "Jo Junior" not in page.text
    assert sam.get(f"/people/{ids['tara']}").status_code == 200
    assert sam.get(f"/people/{ids['jo']}").status_code == 404
    clock.advance(days=4)
    assert f"SO-{out.request_id}</td>" in sam.get("/queues?days=3").text and "4 days" in sam.get("/queues").text

    mo, page = sign_in(url, idp, "mo@example.nhs.uk")
    assert "Jo Junior" in page.text and "Tara Trainee" not in page.text
    assert mo.get(f"/people/{ids['tara']}").status_code == 404

    # once Sam has decided, the request no longer waits on him and Tara drops out of his view
    assert records.signoffs.decide(ids["sam"], out.request_id, "approve").ok
    assert sam.get(f"/people/{ids['tara']}").status_code == 404


def test_admins_see_their_site_or_every_site(serve_dashboard, idp, ids):
    url, _ = serve_dashboard(issuer=idp.url)
    ada, page = sign_in(url, idp, "ada@example.nhs.uk")
    assert "Tara Trainee" in page.text and "Jo Junior" in page.text
    assert ada.get(f"/people/{ids['mo']}").status_code == 404  # Mo works at Site B
    assert ada.get(f"/people/{ids['sam']}").status_code == 200
    url_all, _ = serve_dashboard(issuer=idp.url, dashboard_lead_scope="all")
    ada_all, _ = sign_in(url_all, idp, "ada@example.nhs.uk")
    assert ada_all.get(f"/people/{ids['mo']}").status_code == 200
