"""The bare baseline for bench_ballots.py: a WSGI function, no framework, no validation, that inserts the
same rows as a real ballot (one sheet + one ballot per target) with psycopg in one transaction."""

import hashlib
import json
import os
import secrets
import uuid

import psycopg

ROUND = int(os.environ.get("BENCH_ROUND", "1"))
GROUP = int(os.environ.get("BENCH_GROUP", "1"))
_conn = None


def _connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["BENCH_DSN"])
    return _conn


def application(environ, start_response):
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length))
    nonce = secrets.token_hex(16)
    receipt = hashlib.sha256((nonce + json.dumps(data["answers"])).encode()).hexdigest()
    sheet = uuid.uuid4()
    conn = _connection()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "INSERT INTO evaluations_ballotsheet (id, round_id, group_id, channel, nonce, receipt) "
            "VALUES (%s, %s, %s, 'web', %s, %s)",
            (sheet, ROUND, GROUP, nonce, receipt),
        )
        cur.executemany(
            "INSERT INTO evaluations_ballot (id, sheet_id, round_id, group_id, target_id, channel, a1, a2, a3, a4, a5)"
            " VALUES (%s, %s, %s, %s, %s, 'web', %s, %s, %s, %s, %s)",
            [
                (uuid.uuid4(), sheet, ROUND, GROUP, int(t), *[row.get(str(i)) for i in range(1, 6)])
                for t, row in data["answers"].items()
            ],
        )
    body = json.dumps({"receipt": receipt}).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
