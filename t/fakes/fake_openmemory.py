#!/usr/bin/env python3
"""Stand-in OpenMemory server (CaviraOSS, JS package) for the ELAAOMS tests.

Python 3 standard library only.  Speaks the routes the mirror uses, with
the real server's shapes (packages/openmemory-js/src/server/routes/memory.ts):

  POST   /memory/add     {"content", "tags", "metadata", "user_id"}
                         -> {"id", "primary_sector", "sectors"}; the same
                         words as a stored memory of ANY tenant (the real
                         server's simhash over the whole database, in
                         hsg.ts add_hsg_memory) -> that memory's id with
                         "deduplicated": true, nothing stored
  PATCH  /memory/:id     {"content", "tags", "metadata"} -> {"id", "updated"}
  DELETE /memory/:id     -> {"ok": true}; 404 {"err": "nf"}
  GET    /memory/all     ?u=<offset>&l=<limit (100)> -> {"items": [...]},
                         newest first
  POST   /memory/query   {"query", "k"} -> {"query", "matches": [...]}
                         (word overlap: scores are not cosines)
  GET    /health         -> {"ok": true} (no key needed)

The key comes in "x-api-key" (or "Authorization: Bearer"); each key is one
tenant whose user id is the first 16 hex digits of its SHA-256, as the
real server derives it.  No key: 401; a key not in --key: 403; a user_id
(body or query) other than the tenant's: 403 tenant_mismatch; an id of
another tenant: 403; an unknown id: 404.

Control (not logged):
  POST /_control  {"reset", "clear_requests", "latency_ms": N,
                   "fail": N (the next N API requests answer 500),
                   "fail_all": bool (every API request answers 500),
                   "merge_all": bool (every add merges into the oldest
                   memory: a server whose merge no suffix escapes)}
  GET  /_requests -> {"requests": [{"method", "path", "query", "headers",
                      "json", "status"}]}; ?path=PREFIX filters
  GET  /_dump     -> {"memories": [every stored memory, every tenant]}
"""

import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

LOCK = threading.Lock()
STATE = {"mem": {}, "log": [], "latency_ms": 0, "fail": 0, "fail_all": False,
         "merge_all": False}
KEYS = set()


def words_of(text):
    """The real server's canonical token set, roughly: lowercase words of
    two characters or more, order and punctuation ignored."""
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower())
                     if len(w) > 1)


def tenant_of(key):
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, doc, entry=None):
        body = json.dumps(doc).encode()
        if entry is not None:
            entry["status"] = status
            with LOCK:
                STATE["log"].append(entry)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        u = urlsplit(self.path)
        path, query = u.path, parse_qs(u.query)
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None

        if path == "/_control" and method == "POST":
            with LOCK:
                if body.get("reset"):
                    STATE.update(mem={}, log=[], latency_ms=0, fail=0,
                                 fail_all=False, merge_all=False)
                if body.get("clear_requests"):
                    STATE["log"] = []
                for k in ("latency_ms", "fail", "fail_all", "merge_all"):
                    if k in body:
                        STATE[k] = body[k]
            return self.answer(200, {"ok": True})
        if path == "/_requests":
            p = query.get("path", [""])[0]
            with LOCK:
                reqs = [r for r in STATE["log"] if r["path"].startswith(p)]
            return self.answer(200, {"requests": reqs})
        if path == "/_dump":
            with LOCK:
                mems = list(STATE["mem"].values())
            return self.answer(200, {"memories": mems})

        entry = {"method": method, "path": path, "query": u.query,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "json": body}
        if path == "/health" and method == "GET":
            return self.answer(200, {"ok": True, "version": "fake"}, entry)

        with LOCK:
            latency = STATE["latency_ms"]
            fail = STATE["fail_all"] or STATE["fail"] > 0
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
        if latency:
            time.sleep(latency / 1000.0)
        if fail:
            return self.answer(500, {"err": "internal"}, entry)

        key = self.headers.get("x-api-key")
        auth = self.headers.get("authorization") or ""
        if not key and auth.startswith("Bearer "):
            key = auth[7:]
        if not key:
            return self.answer(401, {"error": "authentication_required",
                                     "message": "API key required"}, entry)
        if key not in KEYS:
            return self.answer(403, {"error": "invalid_api_key"}, entry)
        tenant = tenant_of(key)
        if body is None:
            return self.answer(400, {"error": "invalid_json"}, entry)
        for c in (body.get("user_id") if isinstance(body, dict) else None,
                  query.get("user_id", [None])[0]):
            if c not in (None, "") and c != tenant:
                return self.answer(403, {"error": "tenant_mismatch"}, entry)

        if path == "/memory/add" and method == "POST":
            content = body.get("content")
            if not isinstance(content, str) or not content:
                return self.answer(400, {"error": "validation",
                                         "field": "content"}, entry)
            mid = str(uuid.uuid4())
            now = int(time.time() * 1000)
            words = words_of(content)
            with LOCK:
                same = sorted((m for m in STATE["mem"].values()
                               if STATE["merge_all"]
                               or words_of(m["content"]) == words),
                              key=lambda m: m["seq"])
                if same:
                    m = same[0]
                    m["salience"] = min(1.0, m.get("salience", 0.4) + 0.15)
                    doc = {"id": m["id"], "primary_sector": "semantic",
                           "sectors": ["semantic"], "deduplicated": True}
                else:
                    STATE["mem"][mid] = {
                        "id": mid, "content": content,
                        "tags": list(body.get("tags") or []),
                        "metadata": body.get("metadata") or {},
                        "user_id": tenant, "created_at": now,
                        "updated_at": now,
                        "seq": len(STATE["log"]) + len(STATE["mem"])}
                    doc = {"id": mid, "primary_sector": "semantic",
                           "sectors": ["semantic"]}
            return self.answer(200, doc, entry)

        if path == "/memory/all" and method == "GET":
            try:
                off = int(query.get("u", ["0"])[0])
                lim = int(query.get("l", ["100"])[0])
            except ValueError:
                off = lim = -1
            if off < 0 or lim < 0 or lim > 10000:
                return self.answer(400, {"error": "invalid_pagination"}, entry)
            with LOCK:
                mine = [m for m in STATE["mem"].values()
                        if m["user_id"] == tenant]
            mine.sort(key=lambda m: (m["created_at"], m["seq"]),
                      reverse=True)
            items = [{k: m[k] for k in ("id", "content", "tags", "metadata",
                                        "created_at", "updated_at",
                                        "user_id")}
                     for m in mine[off:off + lim]]
            return self.answer(200, {"items": items}, entry)

        if path == "/memory/query" and method == "POST":
            words = set(str(body.get("query", "")).lower().split())
            with LOCK:
                mine = [m for m in STATE["mem"].values()
                        if m["user_id"] == tenant]
            scored = []
            for m in mine:
                w = set(m["content"].lower().split())
                s = len(words & w) / float(len(words) or 1)
                scored.append((s, m))
            scored.sort(key=lambda x: -x[0])
            k = int(body.get("k") or 8)
            return self.answer(200, {"query": body.get("query"), "matches": [
                {"id": m["id"], "content": m["content"], "score": s,
                 "salience": 0.5} for s, m in scored[:k]]}, entry)

        if path.startswith("/memory/") and method in ("PATCH", "DELETE"):
            mid = path[len("/memory/"):]
            with LOCK:
                m = STATE["mem"].get(mid)
                if m is None:
                    st, doc = 404, {"err": "nf"}
                elif m["user_id"] != tenant:
                    st, doc = 403, {"err": "forbidden"}
                elif method == "DELETE":
                    del STATE["mem"][mid]
                    st, doc = 200, {"ok": True}
                else:
                    for k in ("content", "tags", "metadata"):
                        if k in body:
                            m[k] = body[k]
                    m["updated_at"] = int(time.time() * 1000)
                    st, doc = 200, {"id": mid, "updated": True}
            return self.answer(st, doc, entry)

        return self.answer(404, {"error": "not_found"}, entry)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--key", action="append", default=[],
                    help="an accepted API key (repeatable)")
    args = ap.parse_args()
    KEYS.update(args.key or ["om-test-key"])
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    if args.port_file:
        tmp = "%s.%d.tmp" % (args.port_file, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.rename(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
