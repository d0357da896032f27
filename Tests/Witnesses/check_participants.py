"""Validates GET /participants against Schemas/participants.schema.json.

usage: check_participants.py BASE_URL EXPECTED_COUNT
"""
import json
import pathlib
import sys
import urllib.request

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]

with urllib.request.urlopen(sys.argv[1] + "/participants", timeout=10) as response:
    document = json.loads(response.read())
schema = json.loads((ROOT / "Schemas/participants.schema.json").read_text())
jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
assert len(document) == int(sys.argv[2]), len(document)
assert [p["OrganisationId"] for p in document] == sorted(p["OrganisationId"] for p in document)
print(f"ok: {len(document)} participants valid against the schema")
