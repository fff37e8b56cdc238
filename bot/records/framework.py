"""The competency framework and career pathways, loaded from knowledge/*.yaml (versioned)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .people import band_level

ROLE_SATISFIES = {"mentor": {"mentor", "expert"}, "expert": {"expert"}, "admin": {"admin"}}


class FrameworkError(Exception):
    pass


@dataclass(frozen=True)
class Competency:
    id: str
    title: str
    area: str
    band: int
    description: str
    evidence: tuple[str, ...]
    assessor_role: str
    assessor_min_band: int
    revalidate_months: int | None
    courses: tuple[str, ...]
    guidance: tuple[str, ...]


@dataclass(frozen=True)
class PathwayRole:
    id: str
    title: str
    band: str  # as written in pathways.yaml: "5", "8a"
    requires: tuple[str, ...]

    @property
    def level(self) -> int:
        """The band's number (8a and 8b are both 8), for ordering and comparisons."""
        return band_level(self.band)


@dataclass
class Pathway:
    id: str
    title: str
    roles: list[PathwayRole]


@dataclass
class Framework:
    version: str
    competencies: dict[str, Competency]
    pathways: dict[str, Pathway]
    doc_titles: dict[str, str] = field(default_factory=dict)  # document id → title (for plans)
    doc_owners: dict[str, str] = field(default_factory=dict)  # document id → owning expert role (for routing)
    doc_topics: dict[str, list[str]] = field(default_factory=dict)  # document id → front-matter topics

    @classmethod
    def load(cls, knowledge_dir: Path) -> "Framework":
        path = Path(knowledge_dir) / "competencies.yaml"
        if not path.exists():
            raise FrameworkError(f"{path} not found: the competency framework is needed for sign-offs")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        comps = {}
        for c in data["competencies"]:
            a = c.get("assessor") or {}
            comps[c["id"]] = Competency(
                id=c["id"], title=c["title"], area=c["area"], band=int(c["band"]),
                description=str(c.get("description", "")).strip(), evidence=tuple(c.get("evidence") or ()),
                assessor_role=a.get("role", "mentor"), assessor_min_band=int(a.get("min_band", 5)),
                revalidate_months=c.get("revalidate_months"), courses=tuple(c.get("courses") or ()),
                guidance=tuple(c.get("guidance") or ()))
        pathways = {}
        pw_path = Path(knowledge_dir) / "pathways.yaml"
        if pw_path.exists():
            for p in yaml.safe_load(pw_path.read_text(encoding="utf-8")).get("pathways", []):
                roles = [PathwayRole(r["id"], r["title"], str(r["band"]), tuple(r.get("requires") or ()))
                         for r in p.get("roles", [])]
                pathways[p["id"]] = Pathway(p["id"], p["title"], roles)
        titles, owners, topics = _doc_catalog(Path(knowledge_dir))
        return cls(str(data.get("framework_version", "unversioned")), comps, pathways, titles, owners, topics)

    def get(self, competency_id: str) -> Competency | None:
        key = competency_id.strip().upper()
        return self.competencies.get(key)

    def suggest(self, text: str, n: int = 3) -> list[Competency]:
        """Closest competencies to a mistyped id or a few words of a title."""
        text = text.strip()
        padded = []
        m = re.fullmatch(r"([A-Za-z]+)[-_ ]?(\d+)", text)
        if m:  # "asp1", "ASP-1" → ASP-01
            padded = [i for i in (f"{m.group(1).upper()}-{int(m.group(2)):02d}",) if i in self.competencies]
        by_id = difflib.get_close_matches(text.upper(), list(self.competencies), n=n, cutoff=0.5)
        titles = {c.title.lower(): c.id for c in self.competencies.values()}
        by_title = [titles[t] for t in difflib.get_close_matches(text.lower(), list(titles), n=n, cutoff=0.4)]
        words = set(re.findall(r"\w{4,}", text.lower()))
        by_words = [c.id for c in self.competencies.values() if words and words <= set(re.findall(r"\w+", c.title.lower()))]
        ordered = list(dict.fromkeys(padded + by_id + by_title + by_words))[:n]
        return [self.competencies[i] for i in ordered]

    def role(self, pathway_id: str | None, role_id: str | None) -> PathwayRole | None:
        pathway = self.pathways.get(pathway_id or "")
        return next((r for r in pathway.roles if r.id == role_id), None) if pathway else None

    def assessor_refusal(self, roles: set[str], band_level: int, comp: Competency) -> str | None:
        """None when the person may assess ``comp``; otherwise the reason, in words."""
        allowed = ROLE_SATISFIES.get(comp.assessor_role, {comp.assessor_role})
        if not roles & allowed or band_level < comp.assessor_min_band:
            return (f"Only an authorised assessor for {comp.id} can sign this off: the framework requires a "
                    f"{comp.assessor_role} at band {comp.assessor_min_band} or above.")
        return None


def _doc_catalog(knowledge_dir: Path) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Titles, owners and topics of the documents under ``knowledge_dir``, from front matter and sidecars."""
    from indexer.sources.markdown import parse_front_matter

    titles, owners, topics = {}, {}, {}
    for path in knowledge_dir.rglob("*"):
        try:
            if path.suffix == ".md":
                meta, _ = parse_front_matter(path.read_text(encoding="utf-8"))
            elif path.name.endswith(".meta.yaml"):
                meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            else:
                continue
        except Exception:  # a broken document is reported by the indexer, not here
            continue
        if meta.get("id") and meta.get("title"):
            titles[str(meta["id"])] = str(meta["title"])
            if meta.get("owner"):
                owners[str(meta["id"])] = str(meta["owner"])
            if isinstance(meta.get("topics"), list):
                topics[str(meta["id"])] = [str(t).lower() for t in meta["topics"]]
    return titles, owners, topics
