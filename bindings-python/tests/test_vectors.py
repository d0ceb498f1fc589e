"""Signature vectors shared by every language (tests/vectors/): the Fiserv Commerce Hub request
signature, computed by the core, matches the vector and an independent HMAC."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import connector_service as cs
from conftest import REPO

VECTOR = json.loads((REPO / "tests" / "vectors" / "fiserv" / "request_signature.json").read_text())


def test_fiserv_request_signature_reproduces_the_vector() -> None:
    body = VECTOR["body"].encode()
    signature = cs.fiserv_signature(
        VECTOR["api_key"], VECTOR["api_secret"], VECTOR["client_request_id"], VECTOR["timestamp_ms"], body
    )
    assert signature == VECTOR["signature"]
    message = f"{VECTOR['api_key']}{VECTOR['client_request_id']}{VECTOR['timestamp_ms']}".encode() + body
    independent = base64.b64encode(hmac.new(VECTOR["api_secret"].encode(), message, hashlib.sha256).digest())
    assert signature == independent.decode()
    # Any change to what is signed changes the signature.
    assert cs.fiserv_signature(VECTOR["api_key"], VECTOR["api_secret"], VECTOR["client_request_id"], VECTOR["timestamp_ms"] + 1, body) != signature
