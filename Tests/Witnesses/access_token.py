"""The client side of the directory's token endpoint, made with jwcrypto and cryptography.

usage: access_token.py assertion KEY_PEM CLIENT_ID AUDIENCE [JTI] [EXPIRES_IN_SECONDS]
           prints a private_key_jwt client assertion (RFC 7523) signed ES256 or PS256 with KEY_PEM,
           its kid the RFC 7638 thumbprint
       access_token.py sign KEY_PEM CLAIMS_JSON
           prints a JWT of CLAIMS_JSON (iat, exp and jti added when absent) signed like an assertion
       access_token.py check BASE_URL ACCESS_TOKEN CERT_PEM CLIENT_ID SERVER_CA_PEM
           verifies an access token as a resource server would: signature against the directory JWKS
           from discovery, typ at+jwt (RFC 9068), iss/aud, exp, and cnf.x5t#S256 = the certificate's
           SHA-256 thumbprint (RFC 8705); prints the scope
"""
import base64
import hashlib
import json
import ssl
import sys
import time
import urllib.request
import uuid

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from jwcrypto import jwk, jws, jwt


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assertion(key_pem, client_id, audience, jti=None, expires_in="300"):
    with open(key_pem, "rb") as handle:
        key = jwk.JWK.from_pem(handle.read())
    algorithm = "ES256" if key["kty"] == "EC" else "PS256"
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": jti or str(uuid.uuid4()), "iat": now,
              "exp": now + int(expires_in)}
    token = jwt.JWT(header={"alg": algorithm, "kid": key.thumbprint(), "typ": "JWT"}, claims=claims)
    token.make_signed_token(key)
    print(token.serialize())


def signed_jwt(key_pem, claims):
    """A JWT of `claims` (iat, exp and jti added when absent), ES256 or PS256 by the key's type."""
    with open(key_pem, "rb") as handle:
        key = jwk.JWK.from_pem(handle.read())
    claims = dict(claims)
    now = int(time.time())
    claims.setdefault("iat", now)
    claims.setdefault("exp", now + 300)
    claims.setdefault("jti", str(uuid.uuid4()))
    token = jwt.JWT(header={"alg": "ES256" if key["kty"] == "EC" else "PS256", "kid": key.thumbprint(), "typ": "JWT"}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def sign(key_pem, claims_json):
    print(signed_jwt(key_pem, json.loads(claims_json)))


def fetch(url, server_ca):
    context = ssl.create_default_context(cafile=server_ca)
    with urllib.request.urlopen(url, timeout=10, context=context) as response:
        return json.loads(response.read())


def check(base, token, cert_pem, client_id, server_ca):
    discovery = fetch(base + "/.well-known/openid-configuration", server_ca)
    keys = jwk.JWKSet.from_json(json.dumps(fetch(discovery["jwks_uri"], server_ca)))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "at+jwt", header
    verified = jws.JWS()
    verified.deserialize(token)
    verified.verify(keys.get_key(header["kid"]))
    claims = json.loads(verified.payload)
    assert claims["iss"] == discovery["issuer"] and claims["aud"] == discovery["issuer"], claims
    assert claims["sub"] == client_id and claims["client_id"] == client_id, claims
    assert claims["exp"] > time.time() and claims["exp"] - claims["iat"] <= 3600, claims
    with open(cert_pem, "rb") as handle:
        der = x509.load_pem_x509_certificate(handle.read()).public_bytes(Encoding.DER)
    assert claims["cnf"]["x5t#S256"] == b64url(hashlib.sha256(der).digest()), (claims["cnf"], "certificate binding")
    assert "client_credentials" in discovery["grant_types_supported"], discovery
    assert discovery["tls_client_certificate_bound_access_tokens"] is True, discovery
    print(claims["scope"])


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"assertion": assertion, "sign": sign, "check": check}[command](*arguments)
