"""`make screenshots`: pictures of what people see, saved under docs/screenshots/.

- The main Teams cards, made from real replies and notifications (tests/adapters/gallery.py, on the
  test fixture corpus and the full framework), rendered by Microsoft's official `adaptivecards`
  renderer in headless Chromium with Teams' light and dark host configs (scripts/screenshots/render.js).
- The passport PDF of the gallery's trainee, page by page (pdftoppm).

Installs what is missing: Debian's `chromium`, `poppler-utils` and `fonts-noto-color-emoji` (apt-get, retried while another
install holds the lock) and the npm packages pinned in scripts/screenshots/package-lock.json.

    python scripts/screenshots.py [--out docs/screenshots] [--only NAME,NAME]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "scripts" / "screenshots"
sys.path.insert(0, str(ROOT))

# the cards shown in the README: (file name, how to make it from the gallery)
CARDS = [
    ("answer", lambda g, c: c.reply_cards(g.replies["answer"])[0]),
    ("answer-review-due", lambda g, c: c.reply_cards(g.replies["answer_special_text"])[0]),
    ("declined", lambda g, c: c.reply_cards(g.replies["declined"])[0]),
    ("help", lambda g, c: c.reply_cards(g.replies["help"])[0]),
    ("signoff-form", lambda g, c: c.signoff_form(g.competencies)),
    ("signoff-requested", lambda g, c: c.notification_cards(g.notifications["signoff_requested_long"])[0]),
    ("decided-approved", lambda g, c: c.decided_card(*g.decided["approved"])),
    ("decided-changes", lambda g, c: c.decided_card(*g.decided["changes_requested"])),
    ("decided-rejected", lambda g, c: c.decided_card(*g.decided["rejected"])),
    ("decided-revoked", lambda g, c: c.decided_card(*g.decided["revoked"])),
    ("reminder", lambda g, c: c.notification_cards(g.notifications["reminder_pending"])[0]),
    ("escalation-assigned", lambda g, c: c.notification_cards(g.notifications["escalation_assigned"])[0]),
    ("escalation-answered", lambda g, c: c.notification_cards(g.notifications["escalation_answered_long"])[0]),
    ("passport", lambda g, c: c.reply_cards(g.replies["passport"])[0]),
]


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def apt_install(packages: list[str]) -> None:
    """apt-get install, waiting while another developer's install holds the dpkg lock."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in range(30):
        done = subprocess.run(["apt-get", "install", "-y", "-q", *packages], env=env)
        if done.returncode == 0:
            return
        if attempt == 0:
            subprocess.run(["apt-get", "update", "-q"], env=env)
        print("apt is busy or failed; retrying in 20 s", flush=True)
        time.sleep(20)
    raise SystemExit(f"could not install {packages} with apt-get")


def ensure_tools() -> None:
    needs = (("/usr/bin/chromium", "chromium"), ("pdftoppm", "poppler-utils"),
             ("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf", "fonts-noto-color-emoji"))  # ✅ ⛔ ✏️ in cards
    missing = [pkg for tool, pkg in needs if not (Path(tool).exists() if tool.startswith("/") else shutil.which(tool))]
    if missing:
        apt_install(missing)
    if not shutil.which("node") or not shutil.which("npm"):
        apt_install(["nodejs", "npm"])
    if not (JS / "node_modules" / "adaptivecards").exists() or not (JS / "node_modules" / "puppeteer-core").exists():
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})


def build_gallery(tmp: Path):
    """The gallery as the tests build it, on a fresh SQLite database and an index of the fixture corpus."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from bot.answering.knowledge import KnowledgeBase
    from bot.config import Settings
    from bot.conversation import Conversation
    from bot.db import make_engine, session_factory, upgrade
    from bot.experts.escalations import sync_experts
    from bot.records.framework import Framework
    from bot.records.people import import_people
    from bot.service.wiring import Records
    from indexer.build import BuildConfig, build_index
    from indexer.embedding import Embedder
    from tests.adapters.gallery import FIXTURES, build_special_kb, make_gallery, people_yaml, start_clock
    from tests.conftest import make_binary_fixtures

    embedder = Embedder()
    knowledge = tmp / "knowledge"
    corpus = knowledge / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    make_binary_fixtures(corpus)
    shutil.copy(FIXTURES / "glossary.yaml", knowledge / "glossary.yaml")
    settings = Settings(knowledge_dir=knowledge, var_dir=tmp / "var")
    report = build_index(BuildConfig(sources=[corpus], index_root=settings.index_dir, cache_dir=settings.cache_dir),
                         embedder=embedder)
    assert report.published, report.errors
    engine = make_engine(f"sqlite:///{tmp / 'gallery.db'}")
    upgrade(engine)
    clock = start_clock()
    records = Records(session_factory(engine), Framework.load(ROOT / "knowledge"), clock, embed=embedder.encode)
    import_people(records.sessions, people_yaml(tmp / "people.yaml"), clock=clock)
    sync_experts(records.sessions, FIXTURES / "experts.yaml", clock)
    special_kb, special_settings = build_special_kb(tmp, embedder)
    gallery = make_gallery(records, Conversation(KnowledgeBase(settings, embedder=embedder), settings, records),
                           Conversation(special_kb, special_settings, records), clock)
    return gallery, records


def main() -> None:
    parser = argparse.ArgumentParser(description="Render the main Teams cards (light and dark) and the passport "
                                                 "PDF pages as PNG files.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNG files go")
    parser.add_argument("--only", default="", help="comma-separated card names (default: all)")
    args = parser.parse_args()
    ensure_tools()
    from adapters.teams import cards
    from bot.records.passport import render_pdf

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        gallery, records = build_gallery(tmp)
        wanted = {n for n in args.only.split(",") if n}
        made = [{"name": name, "card": make(gallery, cards)["content"]} for name, make in CARDS
                if not wanted or name in wanted]
        (tmp / "cards.json").write_text(json.dumps(made, ensure_ascii=False))
        run(["node", str(JS / "render.js"), str(tmp / "cards.json"), str(out)])
        tara = records.person_by_email("tara@example.nhs.uk")
        pdf = tmp / "passport.pdf"
        pdf.write_bytes(render_pdf(records.passport(tara.id)))
        for old in out.glob("passport-page-*.png"):
            old.unlink()
        run(["pdftoppm", "-r", "80", "-png", str(pdf), str(out / "passport-page")])
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
