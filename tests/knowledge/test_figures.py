"""Figures from public standards are stated the same way everywhere in the pack.

``knowledge/_data/standards.yaml`` holds each figure once, with its clause; ``tests/knowledge/figures.py``
finds statements of those figures in every document's cleaned section text (and in the YAML frameworks)
and reports any that disagree. The mutation tests copy a real document into a temporary folder, change one
figure, and show that the checker reports it, so the check is known to be able to fail.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from indexer.discover import discover
from indexer.sources import parse_file
from tests.knowledge.figures import check_document, check_frameworks, load_standards

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


def _report(findings) -> str:
    return "\n".join(str(f) for f in findings)


def test_standards_file_is_complete_and_self_consistent():
    std = load_standards()
    a1 = std["annex1_2022"]
    t1, t5 = a1["table1_classification"]["limits"], a1["table5_monitoring"]["limits"]
    assert set(t1) == set(t5) == set("ABCD")
    for g in "ABCD":
        # Table 5 differs from Table 1 only at 5 µm where Table 1 says "not specified"
        for key in ("rest_0_5", "operation_0_5"):
            assert t1[g][key] == t5[g][key], (g, key)
        for key in ("rest_5", "operation_5"):
            assert t1[g][key] == t5[g][key] or t1[g][key] == "not specified", (g, key)
    assert t5["A"]["rest_5"] == t5["A"]["operation_5"] == t5["B"]["rest_5"] == 29
    t2, t6 = a1["table2_qualification_microbial"]["limits"], a1["table6_viable_monitoring"]["limits"]
    for g in "ABCD":
        for method in ("air", "settle", "contact"):
            assert t2[g][method] == t6[g][method], (g, method)
    assert a1["intervals"]["aps_manual_operator_revalidation"]["months"] == 6
    assert a1["intervals"]["aps_manual_initial_runs"]["runs"] == 3
    assert std["ph_eur"]["endotoxin_K_iu_per_kg"]["intravenous_radiopharmaceutical"] == 2.5

    entries = {f"annex1_2022.{k}": v for k, v in a1.items() if k.startswith("table")}
    for group in ("intervals", "airflow"):
        entries.update({f"annex1_2022.{group}.{k}": v for k, v in a1[group].items()})
    entries.update({f"ph_eur.{k}": v for k, v in std["ph_eur"].items()})
    missing = [name for name, entry in entries.items() if not str(entry.get("clause", "")).strip()]
    assert not missing, f"figures without a clause: {missing}"


def test_pack_figures_agree_with_standards():
    findings = []
    for sf in discover([KNOWLEDGE]):
        findings += check_document(parse_file(sf.path, sf.rel), sf.rel)
    findings += check_frameworks(KNOWLEDGE)
    assert not findings, "documents state figures differently from knowledge/_data/standards.yaml:\n" + _report(findings)


# (document, exact text in the real document, deliberately wrong replacement, words the finding must name)
MUTATIONS = [
    ("guidance/gd-cleanroom-grades.md", "| Grade A | 3 520 | 3 520 | 29 | 29 |",
     "| Grade A | 3 520 | 3 520 | not specified | 29 |", "grade A rest ≥5 µm"),
    ("courses/crs-cleanroom-em.md", "| B | 3 520 | not specified | 352 000 | 2 930 |",
     "| B | 3 520 | not specified | 352 000 | 29 300 |", "grade B operation ≥5 µm"),
    ("courses/crs-cleanroom-em.md", "Answer: 2 930 particles per cubic metre.",
     "Answer: 29 particles per cubic metre.", "particle limit 29"),
    ("guidance/gd-operator-validation.md", "revalidated with one APS approximately every 6 months",
     "revalidated with one APS once a year", "once a year"),
    ("guidance/gd-operator-validation.md", "at least 3 consecutive successful APS",
     "often 3 consecutive successful APS", "not stated as a minimum"),
    ("guidance/gd-training-revalidation.md", "| About every 6 months for each operator:",
     "| About every 12 months for each operator:", "12 months"),
    ("guidance/gd-env-monitoring.md", "| Grade C | 100 | 50 | 25 | not set |",
     "| Grade C | 100 | 50 | 50 | not set |", "grade C contact"),
    ("courses/crs-microbiology-operators.md", "active air 10 cfu/m3", "active air 100 cfu/m3", "air limit 100"),
    ("guidance/gd-sterility-endotoxin.md", "2.5 IU/kg for intravenous radiopharmaceuticals",
     "5.0 IU/kg for intravenous radiopharmaceuticals", "K value 5.0"),
    ("guidance/gd-sterility-endotoxin.md", "175/V IU per mL", "350/V IU per mL", "350/V"),
    ("courses/crs-qc-lab.md", "soya-bean casein digest medium, incubated at 20–25 °C",
     "soya-bean casein digest medium, incubated at 30–35 °C", "casein digest medium incubation"),
    ("guidance/gd-sterility-endotoxin.md", "not less than 14 days", "not less than 7 days", "7 days"),
    ("guidance/gd-cleanroom-grades.md", "6 months for grade A and grade B", "12 months for grade A and grade B",
     "requalification interval 12 months"),
    ("guidance/gd-gowning.md", "at least once a year for grade A", "every two years for grade A",
     "gowning reassessment"),
    ("guidance/gd-cleanroom-grades.md", "less than 20 minutes for the clean-up period",
     "less than 30 minutes for the clean-up period", "clean-up period"),
]


@pytest.mark.parametrize("rel,original,wrong,expect", MUTATIONS, ids=[m[3] for m in MUTATIONS])
def test_checker_reports_a_deliberately_wrong_figure(tmp_path, rel, original, wrong, expect):
    source = KNOWLEDGE / rel
    text = source.read_text(encoding="utf-8")
    assert text.count(original) == 1, f"{rel}: the mutation anchor {original!r} is not unique in the real document"
    # the unmodified copy is clean, the modified copy is reported
    clean = tmp_path / "clean" / source.name
    clean.parent.mkdir()
    shutil.copy(source, clean)
    assert not check_document(parse_file(clean, rel), rel)
    broken = tmp_path / "broken" / source.name
    broken.parent.mkdir()
    broken.write_text(text.replace(original, wrong), encoding="utf-8")
    findings = check_document(parse_file(broken, rel), rel)
    assert findings, f"the checker missed a wrong figure: {wrong!r} in {rel}"
    assert any(expect in f.problem for f in findings), _report(findings)
    assert all(f.file == rel and f.section and f.statement for f in findings)


def test_checker_reports_wrong_framework_interval(tmp_path):
    for name in ("competencies.yaml", "glossary.yaml", "pathways.yaml", "experts.yaml"):
        shutil.copy(KNOWLEDGE / name, tmp_path / name)
    assert not check_frameworks(tmp_path)
    data = yaml.safe_load((tmp_path / "competencies.yaml").read_text(encoding="utf-8"))
    for c in data["competencies"]:
        if c["id"] == "ASP-08":
            c["revalidate_months"] = 12
            c["description"] += " Sites may revalidate once a year."
    (tmp_path / "competencies.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                                encoding="utf-8")
    findings = check_frameworks(tmp_path)
    assert any(f.section == "ASP-08" and "revalidate_months: 12" in f.statement for f in findings), _report(findings)
    assert any(f.section == "ASP-08" and "once a year" in f.problem for f in findings), _report(findings)
