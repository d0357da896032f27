"""Walks the console in a real Chromium (Debian's chromium and chromium-driver, driven by Selenium), the
way people do, through an organisation's whole arrival:
  a staff administrator accepts an invitation, sets up an authenticator, signs in and opens an
  application for a new provider; the applicant joins, completes the organisation's details; staff
  approve it; the provider's administrator creates an API token and a software statement, adds a key
  made here, runs the openssl command the page shows for a CSR, takes the certificate, downloads it and
  an SSA; then a bank's administrator joins and publishes an authorisation server.
The SSA is verified with PyJWT against the directory's /jwks, the certificate with `openssl verify` to
the directory's root, and the authorisation server is looked up in /participants. TOTP codes are
computed here, from the key the page shows (RFC 6238, independently of Registrar), each step used once.
A screenshot of every page goes to ARTEFACTS.

usage: browser_journey.py BASE_URL STAFF_INVITATION_LINK BANK_INVITATION_LINK BANK_ID ARTEFACTS
prints JSON: {"organisation": the new provider's id, "token": the API token its administrator created,
              "software": its software id, "pages": [titles]}
"""
import base64
import hashlib
import hmac
import glob
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

base, staff_link, bank_link, bank, artefacts = sys.argv[1:6]
os.makedirs(artefacts, exist_ok=True)
for old in os.listdir(artefacts):
    if old.endswith(".png"):
        os.remove(os.path.join(artefacts, old))
PASSWORD = "correct horse battery staple"


def totp(key, step):
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


used_steps = {}


def fresh_code(key):
    """A code for a time step this key has not used: the server accepts each step once, and one step
    either side of its own. Waits for the next step when those three are spent."""
    while True:
        now = int(time.time() // 30)
        for step in (now, now + 1, now - 1):
            if step not in used_steps.setdefault(key, set()):
                used_steps[key].add(step)
                return totp(key, step)
        time.sleep(30 - time.time() % 30 + 0.5)


options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1024"]:
    options.add_argument(argument)
downloads = tempfile.mkdtemp(prefix="registrar-downloads-")
options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
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


def join(link, name, email):
    driver.get(link)
    shot("join-" + name.split()[0].lower())
    assert email in driver.page_source, "the page names the invited address"
    key = driver.find_element(By.ID, "authenticator-key").text.replace(" ", "")
    fill("name", name)
    fill("password", PASSWORD)
    fill("code", fresh_code(key))
    submit("/console/join")
    arrive("/console/sign-in?joined=1")
    shot("joined")
    return key


def downloaded(pattern):
    """The file a click on a download link saved, once Chromium has finished writing it."""
    deadline = time.time() + 20
    while time.time() < deadline:
        found = [f for f in glob.glob(os.path.join(downloads, pattern)) if not f.endswith(".crdownload")]
        if found:
            with open(found[0]) as saved:
                return saved.read()
        time.sleep(0.2)
    raise AssertionError(("no download", pattern, os.listdir(downloads)))


def fetch(path):
    with urllib.request.urlopen(base + path, timeout=20) as reply:
        return reply.read()


def sign_out():
    submit("/console/sign-out")
    WebDriverWait(driver, 20).until(expected_conditions.url_matches(r"/console$"))


def sign_in(email, key, landing):
    driver.get(base + "/console/sign-in")
    fill("email", email)
    fill("password", PASSWORD)
    fill("code", fresh_code(key))
    driver.find_element(By.CSS_SELECTOR, 'form[action="/console/sign-in"] input[name="email"]').submit()
    arrive(landing)


try:
    staff_key = join(staff_link, "Ana Staff", "ana@directory.example")
    sign_in("ana@directory.example", staff_key, "/console/operator")
    assert "person:ana@directory.example" in driver.page_source
    shot("operator")

    # Staff open an application for a new provider.
    driver.find_element(By.XPATH, '//summary[text()="Onboard a new organisation"]').click()
    fill("legal_name", "Ben's Budgeting")
    fill("country", "GB")
    fill("email", "ben@tpp.example")
    submit("/console/operator/applications")
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "invitation-link")))
    link = driver.find_element(By.ID, "invitation-link").text
    assert link.startswith(base + "/console/join?invitation=rgi_"), link
    shot("application-opened")
    driver.get(base + "/console/operator")
    sign_out()

    # The applicant joins and completes the organisation's details; it is not published yet.
    tpp_key = join(link, "Ben Provider", "ben@tpp.example")
    sign_in("ben@tpp.example", tpp_key, "/console/home")
    shot("home")
    driver.find_element(By.LINK_TEXT, "Open").click()
    arrive("/console/organisations/")
    organisation = driver.current_url.rsplit("/", 1)[1]
    assert "This organisation is an application" in driver.page_source
    assert organisation not in fetch("/participants").decode()
    fill("legal_name", "Ben's Budgeting Ltd")
    fill("registration_number", "09876543")
    fill("authority", "FCA")
    fill("registration_id", "812345")
    for role in ("AISP", "PISP"):
        driver.find_element(By.CSS_SELECTOR, 'input[name="roles"][value="%s"]' % role).click()
    fill("technical_name", "Ben Provider")
    fill("technical_email", "ben@tpp.example")
    shot("application")
    submit("/console/organisations/%s/details" % organisation)
    arrive("#details")
    sign_out()

    # Staff approve it: a participant from now on.
    sign_in("ana@directory.example", staff_key, "/console/operator")
    assert "FCA 812345: AISP, PISP" in driver.page_source
    shot("approval")
    submit("/console/operator/organisations/%s/status" % organisation)  # the first such form: Approve
    arrive("#organisations")
    assert organisation in fetch("/participants").decode()
    sign_out()

    sign_in("ben@tpp.example", tpp_key, "/console/home")
    driver.get(base + "/console/organisations/" + organisation)
    shot("organisation")
    fill("label", "Ben's automation")
    submit("/console/organisations/%s/tokens" % organisation)
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "token-secret")))
    token = driver.find_element(By.ID, "token-secret").text
    shot("token")

    # A software statement, from the form on the organisation's page.
    driver.get(base + "/console/organisations/" + organisation)
    driver.find_element(By.XPATH, '//summary[text()="New software statement"]').click()
    fill("client_name", "Ben's Budgeting")
    fill("redirect_uris", "https://tpp.example/callback")
    driver.find_element(By.CSS_SELECTOR, 'input[name="roles"][value="AISP"]').click()
    shot("new-software")
    submit("/console/organisations/%s/software" % organisation)
    arrive("/software/")
    software_page = driver.current_url
    software = software_page.rsplit("/", 1)[1]
    shot("software")

    # A signing key made here; its public half pasted as PEM.
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    fill("key", public_pem)
    submit("/console/organisations/%s/software/%s/keys" % (organisation, software))
    arrive("#keys")
    keys = json.loads(fetch("/organisations/%s/software-statements/%s/jwks" % (organisation, software)))["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "EC", keys

    # The CSR from the exact command the page shows, run in a folder of our own.
    command = driver.find_element(By.ID, "csr-command").text
    workspace = tempfile.mkdtemp(prefix="registrar-csr-")
    subprocess.run(command, shell=True, cwd=workspace, check=True, capture_output=True)
    with open(os.path.join(workspace, software + ".csr")) as csr:
        fill("csr", csr.read())
    Select(driver.find_element(By.NAME, "purpose")).select_by_visible_text("transport")
    submit("/console/organisations/%s/software/%s/certificates" % (organisation, software))
    arrive("#certificates")
    shot("certificate")
    driver.find_element(By.LINK_TEXT, "Download").click()
    chain = downloaded("*.pem")
    with open(os.path.join(workspace, "chain.pem"), "w") as saved:
        saved.write(chain)
    with open(os.path.join(workspace, "root.cer"), "wb") as saved:
        saved.write(fetch("/pki/root.cer"))
    subprocess.run(["openssl", "x509", "-inform", "DER", "-in", "root.cer", "-out", "root.pem"], cwd=workspace, check=True)
    verified = subprocess.run(
        ["openssl", "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "chain.pem"],
        cwd=workspace, capture_output=True, text=True)
    assert verified.returncode == 0 and ": OK" in verified.stdout, (verified.stdout, verified.stderr)

    # The SSA, downloaded, verified with PyJWT against the directory's published keys.
    driver.find_element(By.LINK_TEXT, "Download a new SSA").click()
    assertion = downloaded(software + ".jwt").strip()
    directory_keys = jwt.PyJWKSet.from_dict(json.loads(fetch("/jwks")))
    kid = jwt.get_unverified_header(assertion)["kid"]
    signing_key = next(k for k in directory_keys.keys if k.key_id == kid)
    claims = jwt.decode(assertion, signing_key.key, algorithms=["PS256", "ES256"], options={"verify_aud": False})
    assert claims["software_id"] == software and claims["software_roles"] == ["AISP"], claims
    sign_out()

    # The bank's administrator publishes an authorisation server.
    bank_key = join(bank_link, "Otto Bank", "otto@bank.example")
    sign_in("otto@bank.example", bank_key, "/console/home")
    driver.get(base + "/console/organisations/" + bank)
    driver.find_element(By.XPATH, '//summary[text()="New authorisation server"]').click()
    fill("name", "Otto Bank Business")
    fill("issuer", "https://as.otto-bank.example")
    fill("discovery", "https://as.otto-bank.example/.well-known/openid-configuration")
    fill("api_family", "payments")
    fill("api_version", "3.1.11")
    fill("api_endpoints", "https://api.otto-bank.example/open-banking/v3.1/pisp")
    Select(driver.find_element(By.NAME, "certification_status")).select_by_visible_text("Certified")
    shot("new-server")
    submit("/console/organisations/%s/authorisation-servers" % bank)
    arrive("#servers")
    shot("servers")
    participant = json.loads(fetch("/participants/" + bank))
    servers = participant.get("AuthorisationServers", [])
    assert any(s.get("Issuer") == "https://as.otto-bank.example" for s in servers), participant
    print(json.dumps({"organisation": organisation, "token": token, "software": software, "pages": pages}))
finally:
    driver.quit()
