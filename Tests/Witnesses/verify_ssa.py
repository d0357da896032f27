"""Independent check of an SSA issued by Registrar, from the outside, as a bank's authorisation server would.

usage: verify_ssa.py BASE_URL SSA PROFILE LIFETIME_SECONDS

Follows discovery to the directory JWKS, verifies the SSA with two JOSE libraries (PyJWT and jwcrypto),
checks the kid is the RFC 7638 thumbprint, the NumericDates, and the claim set against the profile's
JSON Schema; fetches the software JWKS the SSA points at.
"""
import json
import pathlib
import sys
import urllib.request

import jsonschema
import jwt
from jwcrypto import jwk as jc_jwk
from jwcrypto import jwt as jc_jwt

PRIVATE = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
ROOT = pathlib.Path(__file__).resolve().parents[2]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def main(base, token, profile, lifetime):
    _, _, body = fetch(base + "/.well-known/openid-configuration")
    discovery = json.loads(body)
    status, headers, body = fetch(discovery["jwks_uri"])
    assert status == 200 and headers["Content-Type"] == "application/jwk-set+json", headers
    jwks = json.loads(body)
    assert jwks["keys"], "directory JWKS is empty"
    for key in jwks["keys"]:
        assert not PRIVATE & key.keys(), f"private or symmetric member published: {key.keys()}"
        assert key["kty"] in ("RSA", "EC"), key["kty"]
        assert key["kid"] == jc_jwk.JWK(**key).thumbprint(), "kid is not the RFC 7638 thumbprint"
        if key["kty"] == "RSA":
            assert jc_jwk.JWK(**key).get_op_key("verify").key_size >= 2048

    header = jwt.get_unverified_header(token)
    assert header["typ"] == "JWT" and header["alg"] in ("PS256", "ES256"), header
    matching = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert len(matching) == 1, "SSA kid not in the directory JWKS"

    # PyJWT: signature, algorithm pinned to the key's, issuer.
    key = jwt.PyJWK(matching[0])
    claims = jwt.decode(token, key.key, algorithms=[matching[0]["alg"]], issuer=discovery["software_statement_issuer"],
                        options={"verify_aud": False, "require": ["iss", "iat", "exp", "jti"]})
    # jwcrypto: the same from the whole set.
    verified = jc_jwt.JWT(jwt=token, key=jc_jwk.JWKSet.from_json(json.dumps(jwks)), algs=["PS256", "ES256"])
    assert json.loads(verified.claims) == claims

    for name in ("iat", "exp"):
        assert isinstance(claims[name], int) and not isinstance(claims[name], bool), f"{name} is not whole seconds"
    assert claims["exp"] - claims["iat"] == lifetime, (claims["exp"], claims["iat"])

    schema = json.loads((ROOT / f"Schemas/ssa-{profile}.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(claims)

    software_jwks = claims.get("software_jwks_endpoint") or claims.get("software_jwks_uri") or claims.get("jwks_uri")
    status, _, body = fetch(software_jwks)
    keys = json.loads(body)["keys"]
    assert status == 200 and keys, "the software JWKS the SSA names is empty"
    assert all(not PRIVATE & k.keys() for k in keys)
    print(f"ok: {profile} SSA verified by PyJWT {jwt.__version__} and jwcrypto, kid {header['kid']}, {len(claims)} claims")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
