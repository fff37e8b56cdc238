"""The starter knowledge pack: counts, complete front matter, and cross-references that resolve."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from bot.answering.evaluation.question_audit import near_copies, place_problems, sections_of
from bot.answering.evaluation.questions import load_questions
from indexer.discover import discover
from indexer.sources import parse_file

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
REQUIRED = ("id", "title", "type", "version", "effective", "review_due", "owner", "topics", "competencies", "status")


def load(name: str):
    return yaml.safe_load((KNOWLEDGE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def documents():
    docs = {}
    for sf in discover([KNOWLEDGE]):
        doc = parse_file(sf.path, sf.rel)
        assert doc.meta.doc_id not in docs, f"duplicate id {doc.meta.doc_id}"
        docs[doc.meta.doc_id] = (sf, doc)
    return docs


@lru_cache(maxsize=1)
def sections():
    return sections_of({doc_id: doc for doc_id, (_, doc) in documents().items()})


def front_matter(sf) -> dict:
    if sf.path.suffix == ".md":
        from indexer.sources.markdown import parse_front_matter

        return parse_front_matter(sf.path.read_text(encoding="utf-8"))[0]
    return yaml.safe_load(sf.path.with_name(sf.path.name + ".meta.yaml").read_text(encoding="utf-8"))


def test_counts_and_formats():
    docs = documents()
    guidance = [d for sf, d in docs.values() if d.meta.doc_type in ("guidance", "sop")]
    courses = [d for sf, d in docs.values() if d.meta.doc_type == "course"]
    assert len(guidance) >= 30 and len(courses) >= 12
    suffixes = {sf.path.suffix for sf, _ in docs.values()}
    assert {".pdf", ".docx"} <= suffixes  # parsers run on real shipped files


@pytest.mark.parametrize("doc_id", sorted(documents()))
def test_document_front_matter_structure_and_references(doc_id):
    sf, doc = documents()[doc_id]
    fm = front_matter(sf)
    missing = [k for k in REQUIRED if fm.get(k) in (None, "", [])]
    assert not missing, f"{sf.rel}: missing front matter {missing}"
    assert fm["id"] == sf.path.stem, f"{sf.rel}: id must equal the file name"
    assert fm["type"] in ("guidance", "sop", "course") and fm["status"] == "starter"
    assert doc.meta.review_due > doc.meta.effective
    owners = {e["role"] for e in load("experts.yaml")["experts"]}
    assert fm["owner"] in owners, f"{sf.rel}: owner {fm['owner']!r} is not an expert role in experts.yaml"
    assert any(s.path and s.path[0] == "References" for s in doc.sections), f"{sf.rel}: no References section"
    body_words = sum(len([w for w in s.text.split() if w != "•"]) for s in doc.sections)  # list markers are not words
    low, high = (600, 1700) if fm["type"] != "course" else (800, 2600)
    assert low <= body_words <= high, f"{sf.rel}: {body_words} words"
    if fm["type"] == "course":
        top = [s.path[0] for s in doc.sections if s.path]
        for h in ("Learning outcomes", "Teaching content", "Worked examples", "Self-check questions"):
            assert h in top, f"{sf.rel}: course lacks '{h}'"


def test_competency_framework():
    fw = load("competencies.yaml")
    assert fw["framework_version"]
    comps = fw["competencies"]
    ids = [c["id"] for c in comps]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    docs = documents()
    for c in comps:
        for k in ("title", "area", "band", "description", "evidence", "assessor", "courses", "guidance"):
            assert c.get(k) not in (None, "", []), f"{c['id']}: missing {k}"
        assert c["area"] in fw["areas"] and 2 <= c["band"] <= 7
        assert c["assessor"]["role"] in ("mentor", "expert", "admin") and c["assessor"]["min_band"] > c["band"]
        assert c["revalidate_months"] is None or (isinstance(c["revalidate_months"], int) and c["revalidate_months"] > 0)
        for ref in c["courses"] + c["guidance"]:
            assert ref in docs, f"{c['id']} links to unknown document {ref}"
    assert {c["area"] for c in comps} == set(fw["areas"])
    assert {c["band"] for c in comps} >= {2, 3, 4, 5, 6, 7}
    for doc_id, (sf, doc) in docs.items():
        unknown = set(doc.meta.competencies) - set(ids)
        assert not unknown, f"{sf.rel} names unknown competencies {unknown}"


def band_number(band) -> float:
    """Agenda for Change band as a sortable number: 2..7, then "8a" < "8b" < "8c" < "8d" < 9."""
    text = str(band).strip().lower()
    m = re.fullmatch(r"(\d+)([a-d]?)", text)
    assert m, f"unknown band {band!r}"
    return int(m.group(1)) + (" abcd".index(m.group(2)) / 10 if m.group(2) else 0)


def test_pathways_resolve():
    comps = {c["id"]: c for c in load("competencies.yaml")["competencies"]}
    pathways = {p["id"]: p for p in load("pathways.yaml")["pathways"]}
    assert {"aseptic-services", "quality-assurance", "quality-control", "radiopharmacy"} <= set(pathways)
    assert {"parenteral-nutrition", "sact", "atmp", "clinical-trials"} <= set(pathways)
    for p in pathways.values():
        for role in p["roles"]:
            # above band 7 a band is a quoted string ("8a"), never a YAML number or float
            assert isinstance(role["band"], int) or role["band"] in ("8a", "8b", "8c", "8d"), role["id"]
        bands = [band_number(r["band"]) for r in p["roles"]]
        assert bands == sorted(bands), f"{p['id']}: roles not in band order"
        assert min(bands) >= 2 and max(bands) >= 7, p["id"]
        previous: set[str] = set()
        for role in p["roles"]:
            requires = set(role["requires"])
            assert role["requires"] and requires <= set(comps), role["id"]
            assert len(requires) == len(role["requires"]), f"{role['id']}: duplicate competency"
            assert previous <= requires, f"{role['id']}: drops {sorted(previous - requires)} carried over from the role below"
            above = [c for c in requires if comps[c]["band"] > band_number(role["band"])]
            assert not above, f"{role['id']} (band {role['band']}) requires {above}, whose entry band is higher"
            previous = requires
    for core in ("aseptic-services", "quality-assurance", "quality-control", "radiopharmacy"):
        bands = [band_number(r["band"]) for r in pathways[core]["roles"]]
        assert min(bands) == 2 and max(bands) > 7, f"{core}: should run from band 2 to a band 8 lead role"


def test_every_competency_is_in_a_pathway():
    comps = [c["id"] for c in load("competencies.yaml")["competencies"]]
    in_roles = {c for p in load("pathways.yaml")["pathways"] for r in p["roles"] for c in r["requires"]}
    missing = [c for c in comps if c not in in_roles]
    assert not missing, f"competencies in no pathway role (the passport cannot plan them): {missing}"


def test_document_and_competency_links_are_reciprocal():
    """A document's front matter names competency C exactly when C's courses:/guidance: lists the document."""
    comps = load("competencies.yaml")["competencies"]
    docs = documents()
    from_framework: dict[str, set[str]] = {doc_id: set() for doc_id in docs}
    for c in comps:
        for kind in ("courses", "guidance"):
            for ref in c[kind]:
                assert ref in docs, f"{c['id']} links to unknown document {ref}"
                want = "course" if kind == "courses" else ("guidance", "sop")
                assert docs[ref][1].meta.doc_type in want, f"{c['id']}: {ref} is listed under {kind}"
                from_framework[ref].add(c["id"])
    problems = []
    for doc_id, (sf, doc) in sorted(docs.items()):
        named = set(doc.meta.competencies)
        if named - from_framework[doc_id]:
            problems.append(f"{sf.rel} names {sorted(named - from_framework[doc_id])}, which do not list it")
        if from_framework[doc_id] - named:
            problems.append(f"{sf.rel} is listed by {sorted(from_framework[doc_id] - named)} but does not name them")
    assert not problems, "\n".join(problems)


def test_experts_and_glossary():
    experts = load("experts.yaml")
    assert len(experts["experts"]) >= 12 and experts["fallback_group"]["email"]
    areas = set(load("competencies.yaml")["areas"])
    for e in experts["experts"]:
        assert e["name"] and e["topics"] and e["description"] and e["capacity"] > 0
        assert set(e["areas"]) <= areas and "slack" in e and "teams" in e
    terms = load("glossary.yaml")["terms"]
    assert len(terms) >= 80
    names = {t["term"] for t in terms}
    for t in ("ANTT", "APS", "ATMP", "BSC", "CAPA", "CSTD", "EM", "HEPA", "IMP", "LAF", "OOS", "PN", "TPN",
              "QP", "RCP", "SACT", "UDAF"):
        assert t in names, t
    assert all(t.get("expansion") for t in terms)


def _check_questions(name: str) -> tuple[list[dict], list[dict], list[dict]]:
    """Every answerable question names a real document and heading, and its fact is in that section (the checks of
    ``question_audit.place_problems``, which ``scripts/check_question_set.py`` runs for set writers)."""
    questions = load_questions(ROOT / "tests" / "eval" / name)  # also refuses entries without question / doc_id
    problems = place_problems(questions, sections())
    assert not problems, f"{name}:\n" + "\n".join(problems)
    answerable = [q for q in questions if q["answerable"]]
    unanswerable = [q for q in questions if not q["answerable"]]
    return questions, answerable, unanswerable


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "tests" / "eval").glob("heldout*.yaml")))
def test_held_out_sets_resolve(name):
    questions, answerable, unanswerable = _check_questions(name)
    assert len(answerable) >= 90 and len(unanswerable) >= 30
    assert sum(q["kind"] == "clinical" for q in unanswerable) >= 10


def test_question_set_resolves():
    questions, answerable, unanswerable = _check_questions("questions.yaml")
    assert len(questions) >= 350 and len(unanswerable) >= 80
    assert sum(q["kind"] == "clinical" for q in unanswerable) >= 25
    texts = [q["question"].lower() for q in questions]
    assert len(set(texts)) == len(texts), "duplicate questions"
    # a question that copies a heading measures nothing
    for q in answerable:
        assert q["question"].strip().lower() != q["section"].strip().lower()
        assert not re.fullmatch(re.escape(q["section"].lower()) + r"\??", q["question"].lower())


def test_held_out_questions_are_not_development_questions():
    """A held-out question that (nearly) repeats a development question would count a question the model was fitted
    on as unseen: word for word, or with the words nearly all the same (word-set overlap >= 0.8, as
    scripts/check_question_set.py refuses them to set writers). Two held-out sets may share one: neither is fitted
    on. Ids are unique over all sets."""
    development = load_questions(ROOT / "tests" / "eval" / "questions.yaml")
    ids = [q["id"] for q in development]
    for path in sorted((ROOT / "tests" / "eval").glob("heldout*.yaml")):
        questions = load_questions(path)
        copies = [f"{q['id']} ({path.name}) nearly repeats development question {o['id']} (overlap {sim})"
                  for q, o, sim in near_copies(questions, development, 0.8)]
        assert not copies, "\n".join(copies)
        ids += [q["id"] for q in questions]
    assert len(set(ids)) == len(ids), "an id used in two sets"
