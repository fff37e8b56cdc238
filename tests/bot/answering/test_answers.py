"""Retrieval and extractive answers on the fixture corpus with the real model and indexes."""
import re
import pytest

from bot.messages import Incoming, ReplyKind

QUESTIONS = [
    ("whats the grade b particle limit in operation", "fx-grades", "Particle limits", "352 000"),
    ("how often do i change gloves in the isolator", "fx-gloves", "Changing gloves during a session", "gloves"),
    ("mo99 breakthrough test on the eluate??", "fx-generator", "Molybdenum-99 breakthrough", "first eluate"),
    ("can i add calcium straight after phosphate in TPN", "fx-pn", "Order of addition", "never added one straight after the other"),
    ("what goes in a chemo spill kit", "fx-spills", "Using the spill kit", "absorbent pads"),
    ("how long can settle plates be left out", "fx-settle", "Exposure time", "four hours"),
    ("what makes a broth transfer pass", "fx-broth", "Acceptance", "no microbial growth"),
    ("do both hatch doors open together", "fx-hatch", "Spraying and wiping items", "never be open at the same time"),
]


@pytest.mark.parametrize("question, doc_id, section, phrase", QUESTIONS)
def test_right_document_and_section_come_first(kb, question, doc_id, section, phrase):
    live = kb.live
    hits = live.retriever.search(question, k=5)
    top = live.snapshot.chunks[hits[0].row]
    assert (top.doc_id, top.section[-1]) == (doc_id, section)
    result = live.answerer.answer(question)
    assert result.answered, result.confidence
    assert 1 <= len(result.quotes) <= 3
    assert result.quotes[0].citation.doc_id == doc_id
    assert any(phrase in q.text for q in result.quotes)


def test_quotes_are_verbatim_source_text(kb):
    live = kb.live
    result = live.answerer.answer("what temperature range for the medicines fridge")
    texts = {c.text for c in live.snapshot.chunks}
    for q in result.quotes:
        assert any(q.text in " ".join(t.split()) for t in texts)


@pytest.mark.parametrize("question", [
    "where do i park my car at the weekend",
    "how do i book annual leave",
    "what is the shelf life of vancomycin eye drops in the fridge",
])
def test_unanswerable_questions_are_declined(kb, question):
    result = kb.live.answerer.answer(question)
    assert not result.answered and result.confidence < kb.live.answerer.min_confidence and result.scope is None


@pytest.mark.parametrize("question", [
    "what is the paediatric dose of paracetamol syrup",
    "my patient is 70kg whats the dose of cyclophosphamide",
    "what rate should the vanc infusion run at for the lady in bed 4",
    "does he need premedication before his rituximab",
    "can we switch her from iv to oral ondansetron tomorrow",
    "whats the opioid conversion from fentanyl patches to oral",
])
def test_clinical_questions_get_the_scope_guard_and_no_quote(kb, question):
    result = kb.live.answerer.answer(question)
    assert result.scope == "clinical" and not result.answered and result.quotes == []


def test_a_procedure_comes_out_whole_and_in_document_order(kb):
    result = kb.live.answerer.answer("what do i do if a bag leaks in the isolator")
    assert result.answered and result.quotes[0].citation.doc_id == "fx-course"
    steps = result.quotes[0].text.splitlines()
    assert steps[0] == "If an infusion bag leaks during preparation in the isolator:"
    assert [line[:2] for line in steps[1:]] == ["1.", "2.", "3.", "4."]


def test_a_self_check_answer_is_quoted_with_its_question_as_context(kb):
    # asked about the self-check, the answer is quoted, never the bare question, with the question as context
    result = kb.live.answerer.answer("self-check: why should pressure build-up in a vial be avoided?")
    assert result.answered
    qa = result.quotes[0]
    assert qa.context == "Why should pressure build-up in a vial be avoided?" and qa.text.startswith("Answer: Positive pressure")
    assert qa.citation.section == "Self-check questions"
    # asked plainly, the teaching text answers as well as the self-check (since stop 23 the ranker prefers it):
    # either way the reply says why, and no quote is the bare question
    result = kb.live.answerer.answer("why should pressure build-up in a vial be avoided?")
    assert result.answered and any(re.search(r"sprays? drug out", q.text) for q in result.quotes)
    assert not any(q.text.rstrip().endswith("?") for q in result.quotes)


@pytest.mark.parametrize("question", ["where does a leaking bag go", "what is the glove change interval example",
                                      "how do i change gloves", "isolator practice course"])
def test_never_a_bare_question_heading_or_lead_in(kb, question):
    result = kb.live.answerer.answer(question)
    for q in result.quotes:
        assert not q.text.endswith("?") and not q.text.endswith(":")
        assert q.text not in ("Teaching content", "Worked examples", "Self-check questions", "Pressure in vials")


def test_glossary_expansion_finds_the_long_form(kb):
    assert "laminar airflow" in kb.glossary.expand("LAF checks")
    assert "PN" in kb.glossary.expand("total parenteral nutrition bag")


def test_modes_and_fusion_return_ranked_rows(kb):
    r = kb.live.retriever
    for mode in ("bm25", "dense", "hybrid"):
        hits = r.search("molybdenum breakthrough", k=3, mode=mode)
        assert hits and kb.live.snapshot.chunks[hits[0].row].doc_id == "fx-generator"
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_overdue_document_is_flagged(conversation):
    reply = conversation.handle(Incoming(text="what temperature should the medicines fridge be kept at", user_id="u1"))[0]
    assert reply.kind is ReplyKind.ANSWER
    assert reply.citations[0].doc_id == "fx-fridge" and reply.citations[0].overdue_review
    assert any("due for review on 2020-01-01" in w for w in reply.warnings)
