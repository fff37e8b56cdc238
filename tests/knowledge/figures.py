"""Checker for public-standard figures stated in the knowledge pack.

``knowledge/_data/standards.yaml`` holds each figure once, with its clause. This module reads the cleaned
section text of every parsed document (the text that is quoted to trainees), finds statements of those
figures and reports every statement that disagrees with the standards file, naming file, section and
statement.

Statements are found in two shapes, because that is how the pack states figures:

* table rows, which the Markdown/PDF/DOCX parsers render as one line per row:
  ``Grade B — At rest, ≥0.5 µm per m3: 3 520; In operation, ≥0.5 µm per m3: 352 000; ...``
  Each cell is checked exactly (grade, particle size, occupancy state, method). For particle rows the table
  (Annex 1 Table 1 classification or Table 5 monitoring) is taken from the paragraph that introduces the
  table; if that paragraph names neither, either table is accepted.
* sentences (a self-check "Answer:" line is joined to its question). Only numbers that are stated as a
  limit are checked ("limit of N", "N particles per m3", "N cfu per glove", "K as N IU/kg for ...",
  "every 6 months", ...); measured results in worked examples ("gives 410 000 particles/m3", "(2 cfu)")
  are not limits and are skipped. A sentence value is accepted when it matches the standard for any grade,
  state or table that the sentence itself names, so that one sentence may cover several grades.

The matching is deliberately conservative: it must raise no false alarm on the corrected pack, and it must
catch the errors the December 2026 content review found (Table 1 values labelled as Table 5, annual APS for
manual operators, initial APS runs presented as a local option, gowning reassessment without the annual
minimum, radiopharmaceutical K value, and similar).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
STANDARDS = ROOT / "knowledge" / "_data" / "standards.yaml"

GRADES = "ABCD"
NOT_SET = {"not set", "-", "–", "—", "none", "n/a", "not applicable", "no limit"}


@dataclass(frozen=True)
class Finding:
    file: str
    section: str
    statement: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file} [{self.section}]: {self.problem}\n    statement: {self.statement}"


@lru_cache(maxsize=1)
def load_standards(path: Path = STANDARDS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------- text units
ROW = re.compile(r"^(?:Grade\s+)?([A-D])\s+—\s+(.+)$")
ANY_ROW = re.compile(r"^[^—\n]{1,160} — [^:\n]{1,100}: ")
SIZE = re.compile(r"(?<![\d.])(0\.5|5)\s?(?:µm|μm|micrometres?|microns?)")
NUMBER = r"\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?"


def number(text: str) -> float:
    return float(text.replace(" ", ""))


def sentences(line: str) -> list[str]:
    """Split a prose line into sentences (a full stop followed by a space and a capital or digit)."""
    protected = re.sub(r"\b(Ph|Eur|e\.g|i\.e|No|Fig|approx|cf|vs)\.(?=\s)", lambda m: m.group(0)[:-1] + "\u2024", line.strip())
    parts = re.split(r"(?<=[.?!])\s+(?=[A-Z0-9\"(])", protected)
    return [p.replace("\u2024", ".") for p in parts if p]


def units(text: str):
    """Yield ("row" | "sentence", statement, context paragraph) for one section's cleaned text."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    context = ""
    previous = ""
    for ln in lines:
        if ROW.match(ln) or ANY_ROW.match(ln):
            yield "row", ln, context
            continue
        context = ln
        if re.match(r"^Answer:", ln) and previous:
            yield "sentence", f"{previous} {ln}", context
        else:
            for s in sentences(ln):
                yield "sentence", s, context
        previous = ln


def grades_in(text: str) -> set[str]:
    found = set()
    for m in re.finditer(r"\bgrades?\s+([A-D](?:\s*(?:,|and|or|to)\s*(?:grade\s+)?[A-D])*)\b", text, re.I):
        found |= set(re.findall(r"\b([A-D])\b", m.group(1)))
    return found


def states_in(text: str) -> set[str]:
    s = set()
    if re.search(r"\bat[- ]rest\b", text, re.I):
        s.add("rest")
    if re.search(r"\bin[- ]operation\b", text, re.I):
        s.add("operation")
    return s or {"rest", "operation"}


def particle_tables_in(text: str, first_only: bool = False) -> set[str]:
    mentions = re.findall(r"\bTable\s+([15])\b", text)
    if mentions:
        return {mentions[0]} if first_only else set(mentions)
    if re.search(r"classification", text, re.I) and not re.search(r"monitoring", text, re.I):
        return {"1"}
    if re.search(r"monitoring", text, re.I) and not re.search(r"classification", text, re.I):
        return {"5"}
    return {"1", "5"}


def particle_limit(std: dict, table: str, grade: str, state: str, size: str):
    key = "table1_classification" if table == "1" else "table5_monitoring"
    return std["annex1_2022"][key]["limits"][grade][f"{state}_{'0_5' if size == '0.5' else '5'}"]


def cell_value(value: str):
    v = value.strip().rstrip(".;").strip()
    low = v.lower()
    if low.startswith("no growth") or low in {"0", "<1", "less than 1"}:
        return 0.0
    if low in NOT_SET:
        return None
    if low.startswith("not specified"):
        return "not specified"
    if low.startswith("not predetermined") or low.startswith("set by"):
        return "not predetermined"
    m = re.match(rf"^({NUMBER})\b", v)
    return number(m.group(1)) if m else v


def same(stated, standard) -> bool:
    if isinstance(standard, (int, float)) and isinstance(stated, float):
        return abs(stated - float(standard)) < 1e-9
    return stated == standard


def method_of(text: str) -> str | None:
    t = text.lower()
    for key, pat in (("settle", r"settle"), ("contact", r"contact"), ("glove", r"glove|finger"),
                     ("air", r"\bair\b|active air|air sample")):
        if re.search(pat, t):
            return key
    return None


# --------------------------------------------------------------------------------------------- row checks
def check_row(std: dict, row: str, context: str) -> list[str]:
    m = ROW.match(row)
    grade, rest = m.group(1), m.group(2)
    problems = []
    cells = [c for c in re.split(r";\s+", rest.rstrip(".")) if ":" in c]
    tables = particle_tables_in(context, first_only=True)
    viable = std["annex1_2022"]["table6_viable_monitoring"]["limits"]
    qualification = std["annex1_2022"]["table2_qualification_microbial"]["limits"]
    for cell in cells:
        header, value = cell.split(":", 1)
        stated = cell_value(value)
        size = SIZE.search(header)
        if size and re.search(r"rest|operation", header, re.I):
            state = "rest" if re.search(r"rest", header, re.I) else "operation"
            allowed = {t: particle_limit(std, t, grade, state, size.group(1)) for t in tables}
            if not any(same(stated, v) for v in allowed.values()):
                want = "; ".join(f"Annex 1 Table {t}: {v}" for t, v in allowed.items())
                problems.append(f"grade {grade} {state} ≥{size.group(1)} µm stated as {value.strip()!r}, "
                                f"standard {want}")
            continue
        if re.search(r"cfu", header, re.I):
            method = method_of(header)
            if method is None:
                continue
            want = {viable[grade].get(method)}
            if method in qualification[grade] and re.search(r"Table 2|qualification", context):
                want = {qualification[grade][method]}
            if not any(same(stated, w) for w in want):
                problems.append(f"grade {grade} {method} limit stated as {value.strip()!r}, standard "
                                f"{', '.join('not set' if w is None else repr(w) for w in want)} "
                                f"(Annex 1 Table 6/Table 2)")
    return problems


# ------------------------------------------------------------------------------------- sentence checks
LIMIT_WORDS = re.compile(r"\blimit|Table\s+[1256]\b|Annex 1|\ballows?\b|\bsets?\b|\bmaximum", re.I)
MEASURED_BEFORE = re.compile(r"(gives|shows|reads|read|counts?|measured|recorded|grows|with|are)\s*$", re.I)


def in_parentheses(text: str, start: int) -> bool:
    return text.rfind("(", 0, start) > text.rfind(")", 0, start)


def particle_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    if not SIZE.search(s) or not grades_in(s) or not LIMIT_WORDS.search(s) or "cfu" in s:
        return []
    problems = []
    grades, states, tables = grades_in(s), states_in(s), particle_tables_in(s)
    for m in re.finditer(NUMBER, s):
        before, after = s[max(0, m.start() - 25):m.start()], s[m.end():m.end() + 45]
        is_limit = (re.search(r"limits?(?: of| is| are|:)?\s*$", before, re.I)
                    or re.match(r"\s*(?:particles?\s*)?(?:per\s*(?:cubic\s*metre|m3|m³)|/\s*m3|/\s*m³)", after)
                    or re.match(r"\s*at\s*≥?\s*(?:0\.5|5)\s*[µμ]m", after))
        if not is_limit or in_parentheses(s, m.start()) or MEASURED_BEFORE.search(before):
            continue
        if re.match(r"\s*(?:µm|μm|°C|Pa|m/s|litres|hours|minutes|%)", after):
            continue
        size_after = SIZE.search(after)
        sizes_before = list(SIZE.finditer(s[:m.start()]))
        size = size_after.group(1) if size_after else (sizes_before[-1].group(1) if sizes_before else None)
        if size is None:
            continue
        value = number(m.group(0))
        ok = any(same(value, particle_limit(std, t, g, st, size))
                 for t in tables for g in grades for st in states)
        if not ok:
            want = sorted({str(particle_limit(std, t, g, st, size)) for t in tables for g in grades
                           for st in states})
            problems.append(f"particle limit {m.group(0)} at ≥{size} µm for grade(s) {''.join(sorted(grades))} "
                            f"does not match Annex 1 Table(s) {'/'.join(sorted(tables))} ({', '.join(want)})")
    return problems


def viable_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    if "cfu" not in s and "no growth" not in s.lower():
        return []
    if not grades_in(s) or not re.search(r"Table\s+[26]\b|Annex 1", s):
        return []
    viable = std["annex1_2022"]["table6_viable_monitoring"]["limits"]
    grades = grades_in(s)
    problems = []
    pattern = rf"(?:limits?\s+(?:of|is|as)\s+)?({NUMBER}|no growth)\s*(cfu(?:\s*(?:per|/)\s*[\w³ ]+?)?)?(?=[,;.)]|\s+(?:and|in|for|per)\b|$)"
    for m in re.finditer(pattern, s, re.I):
        raw, unit = m.group(1), (m.group(2) or "")
        stated_limit = m.group(0).lower().startswith("limit")
        if not stated_limit and not re.match(r"cfu\s*(?:per|/)", unit, re.I):
            continue
        if raw.lower() == "no growth" and not stated_limit:
            continue
        if in_parentheses(s, m.start()) or MEASURED_BEFORE.search(s[max(0, m.start() - 12):m.start()]):
            continue
        method = None
        u = unit.lower()
        if re.search(r"4\s*h", u):
            method = "settle"
        elif "glove" in u:
            method = "glove"
        elif re.search(r"m3|m³|cubic", u):
            method = "air"
        elif "plate" in u:
            method = "contact" if "settle" not in s[max(0, m.start() - 20):m.start()].lower() else "settle"
        if method is None:
            near = [(mm.start(), method_of(mm.group(0))) for mm in
                    re.finditer(r"settle plates?|contact plates?|glove prints?|active air|air samples?", s, re.I)]
            before = [x for x in near if x[0] < m.start()]
            after = [x for x in near if x[0] > m.end()]
            method = (before[-1][1] if before else after[0][1] if after else None)
        if method is None:
            continue
        value = 0.0 if raw.lower() == "no growth" else number(raw)
        allowed = [viable[g][method] for g in grades if viable[g].get(method) is not None]
        if allowed and not any(same(value, a) for a in allowed):
            problems.append(f"{method} limit {raw} cfu for grade(s) {''.join(sorted(grades))} does not match "
                            f"Annex 1 Table 6 ({', '.join(str(a) for a in allowed)})")
    return problems


APS = re.compile(r"\b(APS|aseptic process simulations?|process simulations?|broth transfers?|media fills?|"
                 r"operator validation|operator process simulation)\b", re.I)
WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twelve": 12, "eighteen": 18,
           "twenty-four": 24}


def frequencies(s: str) -> list[tuple[int, str]]:
    """Months implied by each frequency phrase in ``s``."""
    out = []
    patterns = [
        (r"\btwice a year\b|\bsix-monthly\b|\b6-monthly\b", 6),
        (r"\bonce a year\b|\bonce-a-year\b|\bevery year\b|\beach year\b|\bannual(?:ly)?\b|\byearly\b|\b12-monthly\b", 12),
        (r"\bevery (?:two|2) years\b|\bbiennial(?:ly)?\b", 24),
    ]
    for pat, months in patterns:
        out += [(months, m.group(0)) for m in re.finditer(pat, s, re.I)]
    for m in re.finditer(r"\b(\d+|one|two|three|four|five|six|twelve|eighteen|twenty-four)[- ]months?\b", s, re.I):
        n = m.group(1).lower()
        out.append((int(n) if n.isdigit() else WORDNUM[n], m.group(0)))
    return out


def aps_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    if not (APS.search(s) or aps_context):
        return []
    iv = std["annex1_2022"]["intervals"]
    problems = []
    if re.search(r"revalidat|repeat|interval|every|frequency|requalif|annual|once a year|each year", s, re.I):
        if not re.search(r"\bgown", s, re.I) or re.search(r"\bAPS\b|simulation|broth", s, re.I):
            for months, phrase in frequencies(s):
                if months == iv["aps_manual_operator_revalidation"]["months"]:
                    if re.search(r"as local policy|sites may differ|local choice", s, re.I):
                        problems.append(f"the {phrase!r} APS interval is presented as a local choice: "
                                        f"{iv['aps_manual_operator_revalidation']['clause']}")
                    continue
                if months == 12 and iv["aps_general_operator_annual"]["only_when_citing"] in s:
                    continue
                if re.search(r"absence|session|trend|report|review", s[max(0, s.find(phrase) - 40):s.find(phrase)], re.I):
                    continue
                problems.append(f"APS/operator revalidation interval {phrase!r} ({months} months): "
                                f"{iv['aps_manual_operator_revalidation']['clause']}")
    if re.search(r"\binitial", s, re.I):
        for m in re.finditer(r"\b(\d+|one|two|three|four|five)\s+(?:\w+\s+)?consecutive\b", s, re.I):
            n = m.group(1).lower()
            runs = int(n) if n.isdigit() else WORDNUM[n]
            lead = s[max(0, m.start() - 25):m.start()]
            if runs != iv["aps_manual_initial_runs"]["runs"]:
                problems.append(f"initial APS runs stated as {m.group(0)!r}: {iv['aps_manual_initial_runs']['clause']}")
            elif not re.search(r"at least|minimum|a minimum of", lead, re.I):
                problems.append(f"initial APS runs {m.group(0)!r} not stated as a minimum (at least 3): "
                                f"{iv['aps_manual_initial_runs']['clause']}")
    return problems


def gowning_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    if not re.search(r"\bgown", s, re.I) or not re.search(r"re-?assess|re-?qualif", s, re.I):
        return []
    if APS.search(s) and re.search(r"\bAPS\b|simulation|broth", s, re.I):
        return []
    limit = std["annex1_2022"]["intervals"]["gowning_reassessment"]
    problems = []
    for months, phrase in frequencies(s):
        if months > limit["max_months"]:
            problems.append(f"gowning reassessment interval {phrase!r} is longer than {limit['max_months']} "
                            f"months: {limit['clause']}")
    return problems


def gowning_row(std: dict, row: str) -> list[str]:
    grade_free = row.split(" — ", 1)
    if len(grade_free) != 2 or not re.search(r"gowning", grade_free[0], re.I):
        return []
    cells = dict(c.split(":", 1) for c in re.split(r";\s+", grade_free[1]) if ":" in c)
    limit = std["annex1_2022"]["intervals"]["gowning_reassessment"]
    for header, value in cells.items():
        if re.search(r"interval|frequency", header, re.I):
            found = frequencies(value)
            if not found or any(m > limit["max_months"] for m, _ in found):
                return [f"gowning requalification interval {value.strip()!r} does not state the minimum: "
                        f"{limit['clause']}"]
    return []


def requalification_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    if not re.search(r"requalif", s, re.I) or re.search(r"\bgown|APS|simulation|operator", s, re.I):
        return []
    rq = std["annex1_2022"]["intervals"]["cleanroom_requalification"]
    problems = []
    for m in re.finditer(r"\b(\d+)\s*months?\b", s):
        tail = re.split(r"\b\d+\s*months?\b", s[m.end():], maxsplit=1)[0][:80]
        for g in grades_in(tail):
            if int(m.group(1)) != rq["max_months"][g]:
                problems.append(f"requalification interval {m.group(0)} for grade {g}: {rq['clause']} "
                                f"({rq['max_months'][g]} months)")
    return problems


def endotoxin_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    k = std["ph_eur"]["endotoxin_K_iu_per_kg"]
    problems = []
    routes = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*IU/kg\s+for\s+([^,;\d]+)", s):
        route = m.group(2).lower()
        if re.search(r"\bwould\b|\busing\b", route) or re.search(r"\busing\s+K\s*=\s*$", s[:m.start()]):
            continue
        if "radiopharm" in route:
            want = k["intravenous_radiopharmaceutical"]
        elif "intrathecal" in route and "other than intrathecal" not in route:
            want = k["intrathecal"]
        elif re.search(r"parenteral|intravenous|other than intrathecal|route", route):
            want = k["parenteral_other_than_intrathecal"]
        else:
            continue
        routes.add(want)
        if float(m.group(1)) != want:
            problems.append(f"K value {m.group(1)} IU/kg for {m.group(2).strip()!r}: {k['clause']} gives {want}")
    if len(routes) >= 2 and k["intravenous_radiopharmaceutical"] not in routes:
        problems.append(f"K values are listed without the {k['intravenous_radiopharmaceutical']} IU/kg value for "
                        f"intravenous radiopharmaceuticals: {k['clause']}")
    if re.search(r"endotoxin", s, re.I) or re.search(r"radiopharm", s, re.I):
        lim = std["ph_eur"]["radiopharmaceutical_endotoxin_limit"]
        for m in re.finditer(r"\b(\d+)\s*/\s*V\b", s):
            if int(m.group(1)) != lim["numerator"]:
                problems.append(f"radiopharmaceutical endotoxin limit {m.group(0)}: {lim['clause']} ({lim['expression']})")
    return problems


def sterility_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    st = std["ph_eur"]["sterility_2_6_1"]
    problems = []
    for name, key in (("thioglycollate", "fluid_thioglycollate_medium_celsius"),
                      ("casein digest medium", "soya_bean_casein_digest_medium_celsius")):
        for m in re.finditer(name, s, re.I):
            t = re.search(r"(\d+)\s*(?:–|-|to)\s*(\d+)\s*°C", s[m.end():m.end() + 60])
            if t and [int(t.group(1)), int(t.group(2))] != st[key]:
                problems.append(f"{name} incubation {t.group(0)}: {st['clause']} gives {st[key][0]}–{st[key][1]} °C")
    if re.search(r"sterility test|2\.6\.1|thioglycollate", s, re.I) and re.search(r"incubat|take|last", s, re.I):
        for m in re.finditer(r"\b(\d+)\s*days\b", s):
            if int(m.group(1)) != st["incubation_days_min"]:
                problems.append(f"sterility test incubation {m.group(0)}: {st['clause']} (not less than "
                                f"{st['incubation_days_min']} days)")
    if re.search(r"membrane", s, re.I) and re.search(r"pore", s, re.I):
        for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[µμ]m", s):
            if float(m.group(1)) != st["membrane_pore_size_um_max"]:
                problems.append(f"membrane pore size {m.group(0)}: {st['clause']} (not more than "
                                f"{st['membrane_pore_size_um_max']} µm)")
    return problems


def airflow_sentence(std: dict, s: str, aps_context: bool = False) -> list[str]:
    a1 = std["annex1_2022"]
    problems = []
    if re.search(r"unidirectional", s, re.I):
        for m in re.finditer(r"(0\.\d+)\s*(?:–|-|to)\s*(0\.\d+)\s*m/s", s):
            if [float(m.group(1)), float(m.group(2))] != a1["airflow"]["udaf_velocity_m_per_s"]["range"]:
                problems.append(f"unidirectional air speed {m.group(0)}: {a1['airflow']['udaf_velocity_m_per_s']['clause']}")
    if re.search(r"clean-up period", s, re.I):
        for m in re.finditer(r"(?:less than|under|<)\s*(\d+)\s*minutes", s, re.I):
            if int(m.group(1)) != a1["intervals"]["clean_up_period_minutes"]["less_than"]:
                problems.append(f"clean-up period {m.group(0)}: {a1['intervals']['clean_up_period_minutes']['clause']}")
    for m in re.finditer(r"minimum of\s*(\d+)\s*Pa\b", s):
        if int(m.group(1)) != a1["airflow"]["pressure_differential_pa"]["minimum"]:
            problems.append(f"pressure differential {m.group(0)}: {a1['airflow']['pressure_differential_pa']['clause']}")
    if re.search(r"grade A", s) and re.search(r"per minute", s):
        for m in re.finditer(r"at least\s*(\d+)\s*litres", s):
            if int(m.group(1)) != a1["airflow"]["grade_a_particle_sample_flow_l_per_min"]["minimum"]:
                problems.append(f"grade A particle sample flow {m.group(0)}: "
                                f"{a1['airflow']['grade_a_particle_sample_flow_l_per_min']['clause']}")
    if re.search(r"settle plate", s, re.I):
        for m in re.finditer(r"(?:more than|maximum of|longer than)\s*(\d+)\s*hours", s, re.I):
            if int(m.group(1)) != a1["table6_viable_monitoring"]["settle_plate_max_exposure_hours"]:
                problems.append(f"settle plate exposure {m.group(0)}: Annex 1 (2022) Table 6 note (a), maximum 4 hours")
    return problems


SENTENCE_CHECKS = (particle_sentence, viable_sentence, aps_sentence, gowning_sentence, requalification_sentence,
                   endotoxin_sentence, sterility_sentence, airflow_sentence)


def check_text(std: dict, file: str, section: str, text: str, title: str = "") -> list[Finding]:
    """Check one section; ``title`` (document title) tells whether every sentence is about APS."""
    aps_context = bool(APS.search(title) or APS.search(section))
    findings = []
    for kind, statement, context in units(text):
        if kind == "row" and ROW.match(statement):
            problems = check_row(std, statement, context)
        elif kind == "row":
            problems = gowning_row(std, statement)
            problems += [p for check in SENTENCE_CHECKS for p in check(std, statement, aps_context)]
        else:
            problems = [p for check in SENTENCE_CHECKS for p in check(std, statement, aps_context)]
        findings += [Finding(file, section, statement, p) for p in problems]
    return findings


def check_document(doc, rel: str, std: dict | None = None) -> list[Finding]:
    """All disagreements in one parsed document (``indexer.sources.parse_file`` result)."""
    std = std or load_standards()
    findings = []
    for s in doc.sections:
        if s.path and s.path[0] == "Document history":
            continue  # the history records what was corrected, so it may name the old, wrong figure on purpose
        findings += check_text(std, rel, " > ".join(s.path) or "(top)", s.text, doc.meta.title or "")
    return findings


def check_frameworks(knowledge: Path, std: dict | None = None) -> list[Finding]:
    """The same checks on the YAML frameworks, plus their structured revalidation intervals."""
    std = std or load_standards()
    iv = std["annex1_2022"]["intervals"]
    findings = []
    comps = yaml.safe_load((knowledge / "competencies.yaml").read_text(encoding="utf-8"))["competencies"]
    for c in comps:
        text = " ".join([c["title"] + ".", str(c.get("description", "")).strip()] + list(c.get("evidence") or []))
        findings += check_text(std, "competencies.yaml", c["id"], text, c["title"])
        title = c["title"].lower()
        if "process simulation" in title and c.get("revalidate_months") != iv["aps_manual_operator_revalidation"]["months"]:
            findings.append(Finding("competencies.yaml", c["id"], f"revalidate_months: {c.get('revalidate_months')}",
                                    iv["aps_manual_operator_revalidation"]["clause"]))
        if "gowning qualification" in title and (c.get("revalidate_months") or 99) > iv["gowning_reassessment"]["max_months"]:
            findings.append(Finding("competencies.yaml", c["id"], f"revalidate_months: {c.get('revalidate_months')}",
                                    iv["gowning_reassessment"]["clause"]))
    for t in yaml.safe_load((knowledge / "glossary.yaml").read_text(encoding="utf-8"))["terms"]:
        findings += check_text(std, "glossary.yaml", t["term"], str(t.get("definition", "")))
    for p in yaml.safe_load((knowledge / "pathways.yaml").read_text(encoding="utf-8"))["pathways"]:
        for r in p["roles"]:
            findings += check_text(std, "pathways.yaml", r["id"], str(r.get("summary", "")))
    for e in yaml.safe_load((knowledge / "experts.yaml").read_text(encoding="utf-8"))["experts"]:
        findings += check_text(std, "experts.yaml", e["id"], str(e.get("description", "")))
    return findings
