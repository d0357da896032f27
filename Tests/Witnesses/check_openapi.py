"""Validates Schemas/openapi.yaml (OpenAPI 3.1) and compares its operations with the server's routes.

usage: check_openapi.py ROUTES_JSON   (a list of [METHOD, PATH] the router registered)
"""
import json
import pathlib
import sys

import yaml
from openapi_spec_validator import validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = yaml.safe_load((ROOT / "Schemas/openapi.yaml").read_text())
validate(spec)

documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item
              if method in ("get", "put", "post", "delete", "patch")}
# A catch-all route (`**`, the rest of the path) is documented as one parameter named {request}.
served = {(method, path.replace("**", "{request}")) for method, path in json.loads(sys.argv[1])}
missing = sorted(served - documented)
stale = sorted(documented - served)
assert not missing, f"routes missing from openapi.yaml: {missing}"
assert not stale, f"openapi.yaml documents routes the server does not have: {stale}"
print(f"ok: {len(served)} operations, all documented, spec valid")
