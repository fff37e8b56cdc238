"""Everything the bot can send, made the way it is made in use: replies from the real Conversation
and notifications from the real services (sign-offs, corrections, expiry, reminders, escalations),
on the full competency framework, including the longest texts the services accept.

The tests render every item with the Slack and Teams renderers and check it against the platforms'
own schemas and limits; ``scripts/screenshots.py`` renders the same items in the official Adaptive
Cards renderer. The people are those of tests/bot/conftest.py and tests/fixtures/experts.yaml.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.messages import Incoming, Notification, Reply
from bot.records.reminders import expiry_reminders, pending_reminders

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# the longest realistic inputs the services accept
LONG_EVIDENCE = " ".join(
    f"Session {n}: prepared two syringes and one infusion bag in isolator {n % 3 + 1}; the observer noted "
    "hand hygiene, glove disinfection with sterile 70% alcohol & contact time before each manipulation, "
    "key parts never touched, and the batch record completed at the time (“contemporaneous”)."
    for n in range(1, 40))[:4000].rsplit(" ", 1)[0]
LINKS = [f"https://evidence.example.nhs.uk/portfolio/tara/asp-01/observation-{n}?sheet=A&page={n}" for n in range(1, 11)]
LONG_QUESTION = ("A neonatal PN bag was prescribed with calcium gluconate 10% and potassium phosphate; the "
                 "worksheet says to add phosphate first, then the other electrolytes, and calcium last. "
                 "Our local SOP is older than the current worksheet template. ") * 8
LONG_QUESTION = LONG_QUESTION[:1900].rsplit(" ", 1)[0] + "?"
LONG_ANSWER = "\n".join(
    f"{n}. Never add calcium and phosphate consecutively: add phosphate early, dilute with the bulk of the "
    "amino acids and glucose, and add calcium near the end; check the compatibility curve for the final "
    "volume & temperature, and record each addition on the worksheet as it is made." for n in range(1, 30))
LONG_ANSWER = LONG_ANSWER[:5900].rsplit("\n", 1)[0]


@dataclass
class Gallery:
    replies: dict[str, Reply] = field(default_factory=dict)
    notifications: dict[str, Notification] = field(default_factory=dict)
    decided: dict[str, tuple[Notification, str, str]] = field(default_factory=dict)  # request, status, message
    competencies: list[tuple[str, str]] = field(default_factory=list)
    home: dict[str, dict] = field(default_factory=dict)  # person → passport text, pending, escalations

    def whole_texts(self) -> dict[str, str]:
        """The text each item must show whole."""
        out = {f"reply:{k}": r.text for k, r in self.replies.items()}
        out.update({f"note:{k}": n.text for k, n in self.notifications.items()})
        return out


def special_corpus(tmp: Path) -> Path:
    folder = tmp / "special"
    shutil.copytree(FIXTURES / "special", folder)
    return folder


def build_special_kb(tmp: Path, embedder):
    """An index of one document with `&`, `<`, `>`, a Slack control sequence, a url and nested
    sections, past its review date: the text escaping and links are checked on what it answers."""
    from bot.answering.knowledge import KnowledgeBase
    from bot.config import Settings
    from indexer.build import BuildConfig, build_index

    knowledge = special_corpus(tmp)
    # a one-document corpus: its in-scope questions score lower than the pack the decline cut is fitted on
    settings = Settings(knowledge_dir=knowledge, var_dir=tmp / "special-var", min_confidence=0.3)
    report = build_index(BuildConfig(sources=[knowledge], index_root=settings.index_dir, cache_dir=settings.cache_dir),
                         embedder=embedder)
    assert report.published and not report.errors, report.errors
    return KnowledgeBase(settings, embedder=embedder), settings


def ask(conversation, email: str, text: str) -> Reply:
    [reply] = conversation.handle(Incoming(text=text, user_id=email, platform="console"))
    return reply


def make_gallery(records, conversation, special_conversation, clock) -> Gallery:
    g = Gallery(competencies=[(c.id, c.title) for c in records.framework.competencies.values()])
    s = records.signoffs
    pid = {email: records.person_by_email(email).id for email in
           ("tara@example.nhs.uk", "sam@example.nhs.uk", "ada@example.nhs.uk", "jo@example.nhs.uk")}
    tara, sam, ada = pid["tara@example.nhs.uk"], pid["sam@example.nhs.uk"], pid["ada@example.nhs.uk"]

    # -- answers and other replies
    g.replies["answer"] = ask(conversation, "tara@example.nhs.uk", "what goes in a cytotoxic spill kit")
    g.replies["answer_review_due"] = ask(conversation, "tara@example.nhs.uk", "what temperature range for the medicines fridge")
    g.replies["answer_special_text"] = ask(special_conversation, "tara@example.nhs.uk",
                                           "how often are chemotherapy gloves changed under USP 800")
    g.replies["declined"] = ask(conversation, "tara@example.nhs.uk", "what is the car parking policy for night shifts")
    g.replies["help"] = ask(conversation, "tara@example.nhs.uk", "help")
    g.replies["records"] = ask(conversation, "tara@example.nhs.uk", "/records")
    g.replies["empty"] = ask(conversation, "tara@example.nhs.uk", "   ")

    # -- sign-offs: every outcome, the longest evidence, corrections, withdrawals
    first = s.request(tara, "ASP-01", "sam@example.nhs.uk", LONG_EVIDENCE, LINKS)
    g.notifications["signoff_requested_long"] = first.notifications[0]
    g.notifications["signoff_requested_special"] = s.request(
        tara, "ASP-12", "sam@example.nhs.uk", "<!channel> USP <800> & ANTT observed; see <https://x.example|here>").notifications[0]
    g.replies["pending"] = ask(conversation, "sam@example.nhs.uk", "/pending")
    clock.advance(days=4)
    [g.notifications["reminder_pending"]] = pending_reminders(records.sessions, 3, clock.now)
    for name, cid, decision, reason in (("approved", "ASP-01", "approve", ""),
                                        ("changes_requested", "ASP-02", "changes", "Add a second observed session."),
                                        ("rejected", "ASP-03", "reject", "Touched the outside of the gown with bare hands.")):
        rid = first.request_id if cid == "ASP-01" else s.request(tara, cid, "sam@example.nhs.uk", "observed twice").request_id
        clock.advance(minutes=20)
        out = s.decide(sam, rid, decision, reason, platform="slack")
        g.notifications[f"signoff_decided_{name}"] = out.notifications[0]
        g.decided[name] = (s.request_note(sam, rid).notifications[0], out.status, out.message)
    revoked = s.request(tara, "ASP-04", "sam@example.nhs.uk", "ANTT observed").request_id
    s.decide(sam, revoked, "approve")
    out = s.correct(sam, revoked, "Signed against the wrong trainee's observation sheet.")
    g.notifications["signoff_corrected"] = out.notifications[0]
    g.decided["revoked"] = (s.request_note(sam, revoked).notifications[0], out.status, out.message)
    withdrawn = s.request(tara, "ASP-05", "sam@example.nhs.uk", "transfer disinfection").request_id
    out = s.withdraw(tara, withdrawn, "asked the wrong mentor")
    g.notifications["signoff_withdrawn"] = out.notifications[0]
    g.decided["withdrawn"] = (s.request_note(sam, withdrawn).notifications[0], out.status, out.message)
    s.request(tara, "ASP-06", "sam@example.nhs.uk", "isolator operation, three sessions")
    g.notifications["signoff_open"] = s.request_note(sam, first.request_id + 1).notifications[0]  # "Open SO-n"

    # -- a long passport: many competencies signed across the framework
    for comp in list(records.framework.competencies.values())[6:40]:
        out = s.request(tara, comp.id, "ada@example.nhs.uk", f"observed {comp.title.lower()}")
        if out.ok:
            s.decide(ada, out.request_id, "approve")
    g.replies["passport"] = ask(conversation, "tara@example.nhs.uk", "/passport")
    g.replies["plan"] = ask(conversation, "tara@example.nhs.uk", "/plan")

    # -- expiry and its reminders (signed with a 12-month revalidation above)
    clock.advance(days=350)
    expiring = expiry_reminders(records.sessions, clock.now)
    g.notifications["reminder_expiring_trainee"] = next(n for n in expiring if n.person_id == tara)
    g.notifications["reminder_expiring_signer"] = next(n for n in expiring if n.person_id != tara)
    clock.advance(days=20)
    g.notifications["signoff_expired"] = s.expire_due()[0]

    # -- experts: the longest question, claim, the longest answer, re-routing
    reply = ask(conversation, "tara@example.nhs.uk", "expert " + LONG_QUESTION)
    [assigned] = reply.notifications
    g.replies["escalated"] = reply
    g.notifications["escalation_assigned_long"] = assigned
    out = records.experts.claim(assigned.person_id, assigned.request_id)
    g.notifications["escalation_claimed"] = out.notifications[0]
    expert_email = records.describe(assigned.person_id).split("<")[1].rstrip(">")
    g.replies["my_escalations"] = ask(conversation, expert_email, "my escalations")
    out = records.experts.answer(assigned.person_id, assigned.request_id, LONG_ANSWER)
    g.notifications["escalation_answered_long"] = out.notifications[0]
    g.replies["my_questions"] = ask(conversation, "tara@example.nhs.uk", "my questions")
    short = ask(conversation, "jo@example.nhs.uk", "expert how long is a Mo-99 generator eluate usable")
    g.notifications["escalation_assigned"] = short.notifications[0]
    clock.advance(hours=25)
    for note in records.experts.reroute_overdue():
        g.notifications[f"reroute_{note.kind}"] = note

    g.home["tara"] = {"passport": g.replies["passport"].text}
    return g


def people_yaml(path: Path) -> Path:
    from tests.bot.conftest import PEOPLE

    path.write_text(yaml.safe_dump({"people": PEOPLE}))
    return path


def start_clock():
    from tests.bot.conftest import Clock

    return Clock()


__all__ = ["Gallery", "make_gallery", "build_special_kb", "LONG_EVIDENCE", "LINKS", "LONG_QUESTION", "LONG_ANSWER",
           "people_yaml", "start_clock", "dt"]
