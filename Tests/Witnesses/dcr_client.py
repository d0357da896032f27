"""A registration client as a third-party provider writes one: Python `requests` over mutual TLS, its
request JWTs signed with jwcrypto (access_token.signed_jwt).

usage: dcr_client.py STEPS_JSON
    STEPS_JSON is a list of exchanges, run in order in this one process:
        {"method": "POST", "url": URL, "ca": SERVER_CA_PEM,
         "cert": CERT_PEM, "key": KEY_PEM,          (omit "cert" for no client certificate)
         "token": REGISTRATION_ACCESS_TOKEN,         (Authorization: Bearer)
         "json": {...}                               (application/json body), or
         "jwt": {"key": SIGNING_KEY_PEM, "claims": {...}}   (application/jwt body), or
         "body": "raw text", "content_type": "...",
         "sleep": SECONDS}                           (wait before sending)
    A string "{N.member}" anywhere in a step is replaced by `member` of step N's response body (so a
    later step can use the client_id or registration_access_token an earlier one received).
    Prints a JSON list of {"status": HTTP status, "body": the JSON body (or {"text": ...})}; status 0
    with {"tls_error": ...} when the TLS handshake was refused.
"""
import json
import re
import sys
import time

import requests

from access_token import signed_jwt

REFERENCE = re.compile(r"\{(\d+)\.([A-Za-z0-9_]+)\}")


def resolve(value, replies):
    def lookup(match):
        return replies[int(match.group(1))]["body"].get(match.group(2))

    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return lookup(whole)
        return REFERENCE.sub(lambda match: str(lookup(match)), value)
    if isinstance(value, list):
        return [resolve(item, replies) for item in value]
    if isinstance(value, dict):
        return {name: resolve(item, replies) for name, item in value.items()}
    return value


def exchange(step):
    if step.get("sleep"):
        time.sleep(float(step["sleep"]))
    headers, data = {}, None
    if "json" in step:
        headers["Content-Type"] = "application/json"
        data = json.dumps(step["json"])
    elif "jwt" in step:
        headers["Content-Type"] = "application/jwt"
        data = signed_jwt(step["jwt"]["key"], step["jwt"]["claims"])
    elif "body" in step:
        headers["Content-Type"] = step.get("content_type", "application/octet-stream")
        data = step["body"]
    if step.get("token"):
        headers["Authorization"] = "Bearer " + step["token"]
    certificate = (step["cert"], step["key"]) if step.get("cert") else None
    try:
        response = requests.request(
            step.get("method", "POST"), step["url"], headers=headers, data=data, cert=certificate, verify=step["ca"], timeout=20)
    except requests.exceptions.SSLError as error:
        # The server refused the handshake (an untrusted client certificate): no HTTP status at all.
        return {"status": 0, "body": {"tls_error": str(error)}}
    try:
        body = response.json()
    except ValueError:
        body = {"text": response.text}
    return {"status": response.status_code, "body": body if isinstance(body, dict) else {"json": body}}


def main():
    replies = []
    for step in json.loads(sys.argv[1]):
        replies.append(exchange(resolve(step, replies)))
    print(json.dumps(replies))


if __name__ == "__main__":
    main()
