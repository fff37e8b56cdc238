"""The framework loader: pathway roles above band 7 (8a, 8b…) keep their label and order by number."""
import shutil
from pathlib import Path

import yaml

from bot.records.framework import Framework

ROOT = Path(__file__).resolve().parents[3]


def test_pathway_roles_beyond_band_7(tmp_path):
    shutil.copy(ROOT / "knowledge" / "competencies.yaml", tmp_path / "competencies.yaml")
    comp = yaml.safe_load((tmp_path / "competencies.yaml").read_text())["competencies"][0]["id"]
    (tmp_path / "pathways.yaml").write_text(yaml.safe_dump({"pathways": [{"id": "lead", "title": "Leads", "roles": [
        {"id": "r7", "title": "Specialist", "band": 7, "requires": [comp]},
        {"id": "r8a", "title": "Lead", "band": "8a", "requires": [comp]},
        {"id": "r8b", "title": "Head of service", "band": "8b", "requires": [comp]}]}]}))
    roles = Framework.load(tmp_path).pathways["lead"].roles
    assert [r.band for r in roles] == ["7", "8a", "8b"]
    assert [r.level for r in roles] == [7, 8, 8]
