#!/usr/bin/env python3
"""A Tanma push receiver in Python (docs/pushes.md): the standard library's http.server and
`cryptography` (pip install cryptography) for AES-128-CTR.

    python3 docs/examples/push_receiver.py --port 3000
    npx tanma-mock push register --address http://127.0.0.1:3000/push

TANMA_APP_ID / TANMA_APP_KEY (/ TANMA_CORP_ID) give the credentials (default: the fake's demo pair).
The acknowledgement is the noise's digits: json.loads keeps a 64-bit noise exact as a Python int, and
str(noise) writes it back exactly (never go through a float).
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

APP_ID = os.environ.get("TANMA_APP_ID") or "wwd3a0c0ffee5eed00_Demo01"
APP_KEY = os.environ.get("TANMA_APP_KEY") or "tanmaMockDemoKey2026ForLocalTest"
CORP_ID = os.environ.get("TANMA_CORP_ID") or APP_ID.split("_", 1)[0]  # the part of appId before "_"
MAX_BODY = 1024 * 1024


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def expected_sign(app_id: str, version: str, timestamp: str) -> str:
    """hex SHA-256 of appId + version + timestamp + appKey (the body is not signed)."""
    return hashlib.sha256((app_id + version + timestamp + APP_KEY).encode("utf-8")).hexdigest()


def decrypt(body: bytes) -> str:
    """base64(AES-128-CTR(JSON)), key = SHA-256(appKey)[:16], IV = SHA-256(corpid)[:16]."""
    decryptor = Cipher(algorithms.AES(sha256(APP_KEY)[:16]), modes.CTR(sha256(CORP_ID)[:16])).decryptor()
    return (decryptor.update(base64.b64decode(body.strip(), validate=True)) + decryptor.finalize()).decode("utf-8")


handled = set()  # a push can come more than once (retries, duplicates): handle each msgId once


def handle(message: dict) -> None:
    if message.get("msgId") in handled:
        return
    # … your work here: look the ids in message["content"] up through the API, store, enqueue …
    print(f'{message["type"]} msgId {message["msgId"]} noise {message["noise"]} {json.dumps(message["content"], ensure_ascii=False)}', flush=True)
    handled.add(message.get("msgId"))


class PushHandler(BaseHTTPRequestHandler):
    def answer(self, status: int, text: str, content_type: str = "application/json") -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type + "; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self.answer(413, json.dumps({"error": "body too large"}))
        body = self.rfile.read(length)
        # Header names are case-insensitive here.
        app_id, timestamp, version, sign = (self.headers.get(h) for h in ("appId", "timestamp", "version", "sign"))
        if not (app_id and timestamp and version and sign):
            return self.answer(401, json.dumps({"error": "missing header"}))
        if app_id != APP_ID or not hmac.compare_digest(expected_sign(app_id, version, timestamp), sign.lower()):
            return self.answer(401, json.dumps({"error": "sign does not match"}))
        try:
            message = json.loads(decrypt(body))
            noise = message["noise"]
            if not isinstance(noise, int) or isinstance(noise, bool):
                raise ValueError("noise is not an integer")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error) as error:
            return self.answer(400, json.dumps({"error": f"not a push message: {error}"}))
        try:
            handle(message)
        except Exception as error:  # no acknowledgement: the sender retries
            return self.answer(500, json.dumps({"error": str(error)}))
        self.answer(200, str(noise), "text/plain")  # the exact digits

    def log_message(self, format: str, *args) -> None:  # quiet: handle() prints what matters
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3000, help="port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), PushHandler)
    print(f"listening http://{args.host}:{server.server_address[1]}/push", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
