"""The gallery of everything the bot can send (tests/adapters/gallery.py), built once per module on
SQLite: rendering does not depend on the database, which the scenario tests run on both."""
from __future__ import annotations

import pytest

from tests.bot.conftest import framework  # noqa: F401  (shared fixture)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory, framework, kb, built_env, embedder):  # noqa: F811
    from bot.conversation import Conversation
    from bot.db import make_engine, session_factory, upgrade
    from bot.experts.escalations import sync_experts
    from bot.records.people import import_people
    from bot.service.wiring import Records
    from tests.adapters.gallery import FIXTURES, build_special_kb, make_gallery, people_yaml, start_clock

    tmp = tmp_path_factory.mktemp("gallery")
    engine = make_engine(f"sqlite:///{tmp / 'gallery.db'}")
    upgrade(engine)
    clock = start_clock()
    records = Records(session_factory(engine), framework, clock, embed=embedder.encode)
    import_people(records.sessions, people_yaml(tmp / "people.yaml"), clock=clock)
    sync_experts(records.sessions, FIXTURES / "experts.yaml", clock)
    special_kb, special_settings = build_special_kb(tmp, embedder)
    made = make_gallery(records, Conversation(kb, built_env, records),
                        Conversation(special_kb, special_settings, records), clock)
    yield made
    engine.dispose()
