"""A real browser: Debian's Chromium driven by Selenium through sign-in at the identity-provider
stand-in, the matrix and its filters, a person and their PDF, the audit check, and a form posted
without its CSRF token. `make test` installs chromium and chromium-driver (scripts/ensure-chromium.sh)."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from bot.conversation import Conversation
from bot.messages import Incoming
from bot.records.people import import_people

from .conftest import dashboard_settings
from .screens import screenshot

pytestmark = pytest.mark.browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,900"]
MORE = [  # a small cohort at Site A, for the screenshots
    ("Priya Shah", "5", "aseptic-services", "asp-pharmacy-technician"),
    ("Owen Price", "3", "aseptic-services", "asp-assistant-technical-officer"),
    ("Grace Okafor", "5", "quality-assurance", "qa-technician"),
    ("Ben Hughes", "4", "quality-control", "qc-associate-practitioner"),
    ("Hana Kowalski", "5", "radiopharmacy", "rad-pharmacy-technician"),
    ("Dev Patel", "2", "aseptic-services", "asp-support-worker"),
]


@pytest.fixture
def db_url(tmp_path):  # the browser journey runs once, on SQLite; the access rules run on both databases elsewhere
    return f"sqlite:///{tmp_path / 'records.db'}"


@pytest.fixture
def driver(tmp_path):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium and chromedriver are missing: run `make test` (scripts/ensure-chromium.sh installs them)",
                    pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True})
    d = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    d.downloads = downloads
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def seed(records, ids, clock, tmp_path, framework):
    rows = [{"name": n, "email": n.split()[0].lower() + "@example.nhs.uk", "job_title": "Pharmacy Technician",
             "band": b, "site": "Site A", "roles": ["trainee"], "pathway": p, "pathway_role": r,
             "mentors": ["sam@example.nhs.uk"]} for n, b, p, r in MORE]
    (tmp_path / "cohort.yaml").write_text(yaml.safe_dump({"people": rows}))
    import_people(records.sessions, tmp_path / "cohort.yaml")
    so, base = records.signoffs, clock.now
    people = [("tara", "aseptic-services", "asp-pharmacy-technician")] + [
        (n.split()[0].lower(), p, r) for n, _, p, r in MORE]
    for k, (who, pathway, role) in enumerate(people):
        trainee = records.person_by_email(f"{who}@example.nhs.uk").id
        for j, comp in enumerate(framework.role(pathway, role).requires[: 4 + 2 * (k % 4)]):
            kind = (j + k) % 6
            clock.now = base - __import__("datetime").timedelta(days={0: 20, 1: 350, 2: 400}.get(kind, 2))
            out = so.request(trainee, comp, "ada@example.nhs.uk" if comp.startswith(("QA", "QC", "RAD")) else
                             "sam@example.nhs.uk", f"observed {comp} on three sessions")
            if not out.ok:
                continue
            signer = ids["ada"] if comp.startswith(("QA", "QC", "RAD")) else ids["sam"]
            if kind in (0, 1, 2):
                so.decide(signer, out.request_id, "approve", "competent")
            elif kind == 3:
                so.decide(signer, out.request_id, "changes", "add the batch worksheet references")
    clock.now = base


def wait_for(predicate, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_the_dashboard_in_a_real_browser(driver, serve_dashboard, idp, records, ids, clock, tmp_path, framework, kb,
                                         embedder):
    records._embed = embedder.encode
    seed(records, ids, clock, tmp_path, framework)
    conv = Conversation(kb, dashboard_settings(tmp_path, None), records)
    for q in ("where can I park my bike at the hospital", "is there bike parking near pharmacy"):
        conv.handle(Incoming(text=q, user_id="tara@example.nhs.uk"))
    url, _ = serve_dashboard(issuer=idp.url, kb=kb)
    idp.user = {"email": "ada@example.nhs.uk", "email_verified": True}

    driver.get(f"{url}/matrix")  # not signed in: the sign-in page
    assert "Sign in" in driver.title
    screenshot(driver, "sign-in")
    driver.find_element(By.LINK_TEXT, "Sign in with Test IdP").click()
    wait_for(lambda: "/matrix" in driver.current_url)
    table = driver.find_element(By.CSS_SELECTOR, "table.matrix")
    assert "Priya Shah" in table.text and "Grace Okafor" in table.text
    assert driver.find_elements(By.CSS_SELECTOR, "td.c.current") and driver.find_elements(By.CSS_SELECTOR, "td.c.expired")
    screenshot(driver, "matrix")

    Select(driver.find_element(By.NAME, "pathway")).select_by_visible_text("Aseptic services")
    driver.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click()
    wait_for(lambda: "pathway=aseptic-services" in driver.current_url)
    table = driver.find_element(By.CSS_SELECTOR, "table.matrix")
    assert "Priya Shah" in table.text and "Grace Okafor" not in table.text
    screenshot(driver, "matrix-filtered")

    driver.find_element(By.LINK_TEXT, "Tara Trainee").click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "article.entry"))
    assert "Skills passport" in driver.page_source and "Training plan" in driver.page_source
    screenshot(driver, "person")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Download the training record").click()
    pdf = wait_for(lambda: next((p for p in Path(driver.downloads).glob("*.pdf")), None))
    wait_for(lambda: pdf.stat().st_size > 0 and not list(Path(driver.downloads).glob("*.crdownload")))
    assert pdf.name == "training-record-tara.pdf" and pdf.read_bytes().startswith(b"%PDF")

    driver.get(f"{url}/queues?days=1&within=90")
    assert "Sign-off requests waiting more than 1 day (14)" in driver.page_source
    screenshot(driver, "queues")
    driver.get(f"{url}/knowledge")
    assert "park my bike" in driver.page_source
    screenshot(driver, "knowledge")

    driver.get(f"{url}/audit")
    driver.find_element(By.CSS_SELECTOR, "form.verify button").click()
    result = wait_for(lambda: driver.find_elements(By.ID, "verify-result"))[0]
    assert result.text.startswith("Audit trail intact:")
    screenshot(driver, "audit")

    # the same form with its CSRF token taken out is refused, and nothing runs
    driver.execute_script("document.querySelector('form.verify input[name=csrftoken]').remove()")
    driver.find_element(By.CSS_SELECTOR, "form.verify button").click()
    wait_for(lambda: "This form was refused" in driver.page_source)
    assert not driver.find_elements(By.ID, "verify-result")
    screenshot(driver, "csrf-refused")
