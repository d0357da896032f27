"""Walks the console in a real Chromium (Debian's chromium and chromium-driver, driven by Selenium), the
way people do: a staff administrator accepts an invitation and sets up an authenticator, signs in,
invites an organisation's administrator, signs out; that administrator joins, signs in, opens the
organisation and creates an API token. TOTP codes are computed here, from the key the page shows
(RFC 6238, independently of Registrar). A screenshot of every page goes to ARTEFACTS.

usage: browser_journey.py BASE_URL STAFF_INVITATION_LINK ORGANISATION_ID ARTEFACTS
prints JSON: {"token": the API token the organisation's administrator created, "pages": [titles]}
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

base, staff_link, organisation, artefacts = sys.argv[1:5]
os.makedirs(artefacts, exist_ok=True)
for old in os.listdir(artefacts):
    if old.endswith(".png"):
        os.remove(os.path.join(artefacts, old))
PASSWORD = "correct horse battery staple"


def totp(key, at):
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    mac = hmac.new(secret, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1024"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
driver.set_page_load_timeout(30)
pages = []


def shot(name):
    pages.append(driver.title)
    driver.save_screenshot(os.path.join(artefacts, "%02d-%s.png" % (len(pages), name)))


def fill(label_field, value):
    element = driver.find_element(By.NAME, label_field)
    # Every field is inside its <label>: the accessible name a screen reader announces.
    assert element.find_element(By.XPATH, "ancestor::label"), label_field
    element.clear()
    element.send_keys(value)


def arrive(fragment):
    """Waits for the navigation a click started: the click returns before the next page is there."""
    try:
        WebDriverWait(driver, 20).until(expected_conditions.url_contains(fragment))
    except Exception:
        raise AssertionError((fragment, driver.current_url, driver.find_element(By.TAG_NAME, "body").text[:600]))


def submit(form_action):
    driver.find_element(By.CSS_SELECTOR, 'form[action="%s"] button[type="submit"]' % form_action).click()


def join(link, name, email, step):
    driver.get(link)
    shot("join-" + name.split()[0].lower())
    assert email in driver.page_source, "the page names the invited address"
    key = driver.find_element(By.ID, "authenticator-key").text.replace(" ", "")
    fill("name", name)
    fill("password", PASSWORD)
    fill("code", totp(key, time.time() + step))
    submit("/console/join")
    arrive("/console/sign-in?joined=1")
    shot("joined")
    return key


def sign_in(email, key):
    fill("email", email)
    fill("password", PASSWORD)
    fill("code", totp(key, time.time() + 30))  # the next step: the one used to join is spent
    driver.find_element(By.CSS_SELECTOR, 'form[action="/console/sign-in"] input[name="email"]').submit()


try:
    staff_key = join(staff_link, "Ana Staff", "ana@directory.example", 0)
    sign_in("ana@directory.example", staff_key)
    arrive("/console/operator")
    assert "person:ana@directory.example" in driver.page_source
    shot("operator")

    fill_form = driver.find_element(By.CSS_SELECTOR, 'form[action="/console/operator/invitations"]')
    fill_form.find_element(By.NAME, "email").send_keys("ben@tpp.example")
    Select(fill_form.find_element(By.NAME, "organisation")).select_by_value(organisation)
    Select(fill_form.find_element(By.NAME, "role")).select_by_visible_text("Administrator")
    fill_form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "invitation-link")))
    link = driver.find_element(By.ID, "invitation-link").text
    assert link.startswith(base + "/console/join?invitation=rgi_"), link
    shot("invitation")
    driver.get(base + "/console/operator")
    submit("/console/sign-out")
    WebDriverWait(driver, 20).until(expected_conditions.url_matches(r"/console$"))

    tpp_key = join(link, "Ben Provider", "ben@tpp.example", 0)
    sign_in("ben@tpp.example", tpp_key)
    arrive("/console/home")
    shot("home")
    driver.find_element(By.LINK_TEXT, "Open").click()
    arrive("/console/organisations/" + organisation)
    shot("organisation")
    fill("label", "Ben's automation")
    submit("/console/organisations/%s/tokens" % organisation)
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "token-secret")))
    token = driver.find_element(By.ID, "token-secret").text
    shot("token")
    print(json.dumps({"token": token, "pages": pages}))
finally:
    driver.quit()
