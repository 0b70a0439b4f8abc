#!/usr/bin/env python3
"""Fake OpenAI + Anthropic + ElevenLabs HTTP server for the ELAAOMS tests.

Python 3 standard library only.  Speaks the real wire formats (paths,
headers, success and error bodies, see /work/shared/docs/llm-protocols.md):

  POST /v1/chat/completions     OpenAI Chat Completions (json_schema strict)
  POST /v1/embeddings           OpenAI embeddings
  POST /v1/messages             Anthropic Messages (forced tool)
  GET  /v1/convai/agents/{id}   ElevenLabs agent profile
  GET  /v1/convai/conversations ElevenLabs conversation list (agent_id,
                                page_size 1..100, cursor,
                                call_start_after_unix: newest first)
  GET  /v1/convai/conversations/{id}   its details

Default mode: answers deterministically.  Chat/messages "extract" memories
from the transcript in the request (the text inside <transcript>...</transcript>
when present, else the user messages), sentence by sentence:

  "prefer"                                   -> preference, importance 6
  "order" + an id (a word with a digit)      -> factual,    importance 7
  "complain", "double charge", "charged twice", "delayed"
                                             -> issue,      importance 8
  "frustrat", "happy", "great"               -> emotion,    importance 4
  "again", "every week", "second time", "third time"
                                             -> relationship, importance 5

with content and source_quote = the sentence (speaker prefix removed),
confidence 0.9.  Without response_format / tools it answers free text.
Embeddings are unit-length hashed bags of words (same words -> close vectors).

Checks a real server makes are made: the API key headers (a key starting
with "bad" is refused with 401), anthropic-version, required fields, and the
strict json_schema rules (every property required, additionalProperties
false), answered with the providers' error bodies.

Control (not logged):
  POST /_control   JSON object, all keys optional, applied in this order:
      {"reset": true,            clear script, request log, agents, latency
       "clear_requests": true,   clear the request log only
       "latency_ms": N,          delay every API answer
       "agents": {"id": {...}},  agent profiles served verbatim
       "conversations": [{...}], conversations served by the list and
                                 details endpoints: each a details document
                                 (a post-call webhook's "data": agent_id,
                                 conversation_id, status, transcript,
                                 metadata.start_time_unix_secs, ...), or a
                                 whole webhook body (its "data" is taken);
                                 replaces those with the same id
       "embed_alias": {"text": "other text"},
                                 embeddings of "text" are those of "other
                                 text" (a provider that knows they mean the
                                 same: paraphrases for search tests)
       "script": [step, ...]}    queue answers (appended)
    -> {"ok": true, "queued": <steps waiting>}
  GET  /_control   -> {"script": [...], "latency_ms": N}
  GET  /_requests  -> {"requests": [{"method", "path", "query", "headers" (lowercase
                      names), "body" (text), "json" (parsed or null),
                      "status" (what was answered)}]}; ?path=PREFIX filters
  DELETE /_requests  clears the log
  GET  /_health    -> {"ok": true}

A script step is consumed by the next API request it matches, after the
authentication and request checks pass.  Step keys (all optional):
  match: "/v1/messages"      path prefix the step applies to (default: any)
  repeat: N                  serve the step N times (default 1)
  delay_ms: N                wait before answering (client timeouts)
  close: true                close the connection without an answer
  status: N                  answer N with the provider's error body
                             (type/code from N; override with error_type,
                             error_code, message); html: true sends an HTML
                             body instead (what proxies do on 502/503)
  retry_after: S             "retry-after: S" header (seconds)
  retry_after_ms: N          "retry-after-ms" header
  ratelimit_reset: "6m0s"    "x-ratelimit-reset-requests" header
  headers: {...}             more response headers
  body: <any JSON> / raw_body: "text"   the whole body, verbatim
  malformed: true            200 with a body cut in the middle of the JSON
  malformed: "content"       valid envelope, but the structured output is
                             broken (OpenAI: content not JSON; Anthropic:
                             a text block instead of the tool call)
  finish_reason: "length"    OpenAI finish_reason (Anthropic: "length" maps
                             to stop_reason "max_tokens"); stop_reason: X
  refusal: "text"            OpenAI message.refusal / Anthropic "refusal"
  memories: [...]            the memories answered, verbatim (may be invalid)
  output: {...}              the whole structured output, verbatim
  text: "..."                the free-text answer
  content: "..."             OpenAI message.content, verbatim
  reverse: true              embeddings answered in reverse index order
  dims: N                    embeddings of N dimensions, whatever was asked
  usage: {...} or null       usage fields merged in / usage omitted
A step with none of status/body/malformed/close answers normally, modified
by the other keys.

Usage: fake_llm.py [--host H] [--port N|0] [--port-file F] [--scenario F]
                   [--latency-ms N] [--agent-fixture F] [--verbose]
--port 0 picks a free port and prints it as the first stdout line; with
--port-file it is also written there (atomically).
"""

import argparse
import base64
import copy
import hashlib
import json
import math
import os
import re
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_AGENT_FIXTURE = os.path.join(
    HERE, "..", "fixtures", "elevenlabs", "agent_profile_response.json")

MEMORY_TYPES = ["factual", "preference", "issue", "emotion", "relationship"]

OPENAI_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key",
          "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory",
          "Country, region, or territory not supported"),
    404: ("invalid_request_error", "model_not_found",
          "The model does not exist or you do not have access to it."),
    408: ("server_error", None, "Request timed out."),
    409: ("server_error", None, "Conflict, please retry."),
    429: ("requests", "rate_limit_exceeded",
          "Rate limit reached for requests. Please try again later."),
    500: ("server_error", None,
          "The server had an error while processing your request. Sorry about that!"),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None,
          "The engine is currently overloaded, please try again later."),
}

ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}

ANTHROPIC_MESSAGES = {
    "invalid_request_error": "Invalid request.",
    "authentication_error": "invalid x-api-key",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "The requested resource could not be found.",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit",
    "api_error": "Internal server error",
    "overloaded_error": "Overloaded",
}

ELEVENLABS_ERRORS = {
    400: ("invalid_request", "Invalid request."),
    401: ("invalid_api_key", "Invalid API key"),
    403: ("missing_permissions", "The API key does not have the required permissions."),
    404: ("agent_not_found", "Agent not found"),
    422: ("invalid_request", "Unprocessable entity."),
    429: ("too_many_concurrent_requests", "Too many concurrent requests."),
    500: ("internal_error", "Internal server error."),
}

HTTP_REASONS = {529: "Site Overloaded"}


class Reject(Exception):
    """A request a real server refuses: (status, message, error type/code)."""

    def __init__(self, status, message, etype=None, code=None, param=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.etype = etype
        self.code = code
        self.param = param


class State:
    def __init__(self, latency_ms, agent_fixture):
        self.lock = threading.Lock()
        self.script = []
        self.requests = []
        self.latency_ms = latency_ms
        self.initial_latency_ms = latency_ms
        self.agents = {}
        self.embed_alias = {}
        self.conversations = {}
        self.agent_fixture = agent_fixture

    def apply(self, ctl):
        if not isinstance(ctl, dict):
            raise ValueError("control body must be a JSON object")
        with self.lock:
            if ctl.get("reset"):
                self.script = []
                self.requests = []
                self.agents = {}
                self.embed_alias = {}
                self.conversations = {}
                self.latency_ms = self.initial_latency_ms
            if ctl.get("clear_requests"):
                self.requests = []
            if "latency_ms" in ctl:
                self.latency_ms = int(ctl["latency_ms"] or 0)
            agents = ctl.get("agents") or {}
            if not isinstance(agents, dict):
                raise ValueError("agents must be an object")
            self.agents.update(agents)
            alias = ctl.get("embed_alias") or {}
            if not isinstance(alias, dict):
                raise ValueError("embed_alias must be an object")
            self.embed_alias.update(alias)
            convs = ctl.get("conversations") or []
            if not isinstance(convs, list) or not all(isinstance(c, dict) for c in convs):
                raise ValueError("conversations must be a list of objects")
            for c in convs:
                c = copy.deepcopy(c.get("data", c))
                if not isinstance(c.get("conversation_id"), str):
                    raise ValueError("a conversation needs a conversation_id")
                self.conversations[c["conversation_id"]] = c
            script = ctl.get("script") or []
            if not isinstance(script, list) or not all(isinstance(s, dict) for s in script):
                raise ValueError("script must be a list of objects")
            self.script.extend(copy.deepcopy(script))
            return len(self.script)

    def take_step(self, path):
        with self.lock:
            for i, step in enumerate(self.script):
                if path.startswith(step.get("match", "")):
                    repeat = int(step.get("repeat", 1))
                    if repeat > 1:
                        step["repeat"] = repeat - 1
                        return copy.deepcopy(step)
                    return self.script.pop(i)
            return {}

    def log(self, entry):
        with self.lock:
            self.requests.append(entry)


# --- deterministic extraction ----------------------------------------------

ID_RE = re.compile(r"#?\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,}\b")
SPEAKER_RE = re.compile(r"^\s*(user|agent|caller|assistant|customer)\s*:\s*", re.I)

RULES = [
    ("preference", 6, lambda s: "prefer" in s),
    ("factual", 7, lambda s: "order" in s and ID_RE.search(s) is not None),
    ("issue", 8, lambda s: any(k in s for k in (
        "complain", "double charge", "charged twice", "delayed"))),
    ("emotion", 4, lambda s: any(k in s for k in ("frustrat", "happy", "great"))),
    ("relationship", 5, lambda s: any(k in s for k in (
        "again", "every week", "second time", "third time"))),
]


def transcript_of(text):
    m = re.search(r"<transcript>(.*?)</transcript>", text, re.S)
    return m.group(1) if m else text


def sentences(text):
    out = []
    for line in text.splitlines():
        line = SPEAKER_RE.sub("", line).strip()
        if not line:
            continue
        for s in re.split(r"(?<=[.!?])\s+", line):
            s = s.strip()
            if s:
                out.append(s)
    return out


def extract_memories(text):
    memories = []
    for s in sentences(transcript_of(text)):
        low = s.lower()
        for mtype, importance, rule in RULES:
            if rule(low):
                memories.append({
                    "type": mtype,
                    "content": s[:500],
                    "importance": importance,
                    "confidence": 0.9,
                    "source_quote": s,
                })
    return memories


def free_text(prompt):
    memories = extract_memories(prompt)
    if memories:
        return "Hi again! I see you called about: %s" % memories[0]["content"]
    return "Hi! Thanks for calling again. How can I help you today?"


def tokens(text):
    return max(1, (len(text) + 3) // 4)


def embed(text, dims):
    vec = [0.0] * dims
    words = re.findall(r"[a-z0-9]+", text.lower())
    for w in words:
        h = hashlib.sha256(w.encode()).digest()
        idx = int.from_bytes(h[:4], "little") % dims
        vec[idx] += 1.0 if h[4] & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vec))
    if norm == 0:
        vec[0] = 1.0
        return vec
    return [x / norm for x in vec]


def strict_schema_problem(schema, ctx="()"):
    """None when schema obeys OpenAI's strict mode, else its message."""
    if not isinstance(schema, dict):
        return "In context=%s, schema must be a JSON object." % ctx
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            return ("In context=%s, 'additionalProperties' is required to be "
                    "supplied and to be false." % ctx)
        required = schema.get("required", [])
        for key in props:
            if key not in required:
                return ("In context=%s, 'required' is required to be supplied "
                        "and to be an array including every key in properties. "
                        "Missing '%s'." % (ctx, key))
        for key, sub in props.items():
            p = strict_schema_problem(sub, "%s, 'properties', '%s'" % (ctx, key))
            if p:
                return p
    if schema.get("type") == "array" and "items" in schema:
        return strict_schema_problem(schema["items"], ctx + ", 'items'")
    return None


def message_text(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content
                         if isinstance(b, dict) and b.get("type") == "text")
    return ""


def rid(prefix):
    return prefix + uuid.uuid4().hex[:24]


# --- HTTP ------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body in one segment, sent at once: no Nagle/delayed-ACK
    # 40 ms stalls on keep-alive connections
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server_version = "fake-llm/1"
    state = None
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("fake_llm: " + (fmt % args) + "\n")

    # request plumbing

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, body, headers=None, ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status, HTTP_REASONS.get(status))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if self.entry is not None:
            self.entry["status"] = status

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        self.entry = None
        try:
            url = urlsplit(self.path)
            path = url.path
            raw = self.read_body()
            if path.startswith("/_"):
                return self.control(method, path, parse_qs(url.query), raw)
            text = raw.decode("utf-8", "replace")
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = None
            headers = {}
            for k, v in self.headers.items():
                k = k.lower()
                headers[k] = headers[k] + ", " + v if k in headers else v
            self.entry = {"method": method, "path": path, "query": url.query,
                          "headers": headers,
                          "body": text, "json": parsed, "status": None,
                          "time": time.time()}
            self.state.log(self.entry)
            self.api(method, path, headers, text, parsed)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def control(self, method, path, query, raw):
        st = self.state
        if path == "/_health":
            return self.send(200, {"ok": True})
        if path == "/_control" and method == "POST":
            try:
                queued = st.apply(json.loads(raw or b"{}"))
            except ValueError as e:
                return self.send(400, {"ok": False, "error": str(e)})
            return self.send(200, {"ok": True, "queued": queued})
        if path == "/_control" and method == "GET":
            with st.lock:
                return self.send(200, {"script": st.script,
                                       "latency_ms": st.latency_ms})
        if path == "/_requests" and method == "GET":
            prefix = query.get("path", [""])[0]
            with st.lock:
                reqs = [r for r in st.requests if r["path"].startswith(prefix)]
                body = json.dumps({"requests": reqs})
            return self.send(200, body)
        if path == "/_requests" and method == "DELETE":
            with st.lock:
                st.requests = []
            return self.send(200, {"ok": True})
        return self.send(404, {"ok": False, "error": "unknown control path"})

    # API dispatch

    def flavour(self, path):
        if path.startswith("/v1/messages"):
            return "anthropic"
        if path.startswith("/v1/convai/"):
            return "elevenlabs"
        return "openai"

    def api(self, method, path, headers, text, parsed):
        flavour = self.flavour(path)
        try:
            if method == "POST" and path == "/v1/chat/completions":
                route = self.openai_chat
            elif method == "POST" and path == "/v1/embeddings":
                route = self.openai_embeddings
            elif method == "POST" and path == "/v1/messages":
                route = self.anthropic_messages
            elif method == "GET" and re.fullmatch(r"/v1/convai/agents/[^/]+", path):
                route = self.elevenlabs_agent
            elif method == "GET" and path == "/v1/convai/conversations":
                route = self.elevenlabs_conversations
            elif method == "GET" and re.fullmatch(r"/v1/convai/conversations/[^/]+", path):
                route = self.elevenlabs_conversation
            else:
                raise Reject(404, "Unknown request URL: %s %s." % (method, path),
                             "invalid_request_error", "unknown_url")
            self.check(flavour, headers, text, parsed, path)
        except Reject as r:
            return self.error(flavour, r.status, {}, r)

        step = self.state.take_step(path)
        latency = self.state.latency_ms + int(step.get("delay_ms", 0))
        if latency > 0:
            time.sleep(latency / 1000.0)

        extra = dict(step.get("headers") or {})
        if "retry_after" in step:
            extra["retry-after"] = step["retry_after"]
        if "retry_after_ms" in step:
            extra["retry-after-ms"] = step["retry_after_ms"]
        if "ratelimit_reset" in step:
            extra["x-ratelimit-reset-requests"] = step["ratelimit_reset"]

        if step.get("close"):
            self.close_connection = True
            self.entry["status"] = "closed"
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        status = int(step.get("status", 200))
        if "raw_body" in step:
            return self.send(status, step["raw_body"], extra)
        if "body" in step:
            return self.send(status, json.dumps(step["body"]), extra)
        if status >= 300:
            return self.error(flavour, status, extra, None, step)
        if step.get("malformed") is True:
            return self.send(200, '{"id": "cut", "choices": [{"index": 0, "mess', extra)
        return route(parsed, step, extra)

    def check(self, flavour, headers, text, parsed, path):
        if flavour == "openai":
            auth = headers.get("authorization", "")
            if not auth.startswith("Bearer ") or not auth[7:].strip():
                raise Reject(401, "You didn't provide an API key. You need to provide "
                             "your API key in an Authorization header using Bearer "
                             "auth (i.e. Authorization: Bearer YOUR_KEY).",
                             "invalid_request_error", None)
            if auth[7:].startswith("bad"):
                raise Reject(401, "Incorrect API key provided: %s****. You can find "
                             "your API key at https://platform.openai.com/account/api-keys."
                             % auth[7:10], "invalid_request_error", "invalid_api_key")
        elif flavour == "anthropic":
            key = headers.get("x-api-key", "")
            if not key:
                raise Reject(401, "x-api-key header is required", "authentication_error")
            if key.startswith("bad"):
                raise Reject(401, "invalid x-api-key", "authentication_error")
            if not headers.get("anthropic-version"):
                raise Reject(400, "anthropic-version: header is required",
                             "invalid_request_error")
        else:
            key = headers.get("xi-api-key", "")
            if not key and not headers.get("authorization"):
                raise Reject(401, "Neither authorization header nor xi-api-key "
                             "received, please provide one.", "needs_authorization")
            if key.startswith("bad"):
                raise Reject(401, "Invalid API key", "invalid_api_key")
            return

        if parsed is None or not isinstance(parsed, dict):
            if flavour == "openai":
                raise Reject(400, "We could not parse the JSON body of your request. "
                             "(HINT: This likely means you aren't using your HTTP "
                             "library correctly. The OpenAI API expects a JSON payload, "
                             "but what was sent was not valid JSON.",
                             "invalid_request_error")
            raise Reject(400, "There was an error parsing the body of your request.",
                         "invalid_request_error")

        if not parsed.get("model"):
            if flavour == "openai":
                raise Reject(400, "you must provide a model parameter",
                             "invalid_request_error")
            raise Reject(400, "model: Field required", "invalid_request_error")

        if path == "/v1/chat/completions":
            if not isinstance(parsed.get("messages"), list) or not parsed["messages"]:
                raise Reject(400, "Missing required parameter: 'messages'.",
                             "invalid_request_error", "missing_required_parameter",
                             "messages")
            rf = parsed.get("response_format")
            if isinstance(rf, dict) and rf.get("type") == "json_schema":
                js = rf.get("json_schema") or {}
                if not js.get("name"):
                    raise Reject(400, "Missing required parameter: "
                                 "'response_format.json_schema.name'.",
                                 "invalid_request_error", "missing_required_parameter",
                                 "response_format.json_schema.name")
                if js.get("strict") is True:
                    problem = strict_schema_problem(js.get("schema"))
                    if problem:
                        raise Reject(400, "Invalid schema for response_format '%s': %s"
                                     % (js["name"], problem), "invalid_request_error",
                                     "invalid_json_schema", "response_format")
        elif path == "/v1/embeddings":
            inp = parsed.get("input")
            items = inp if isinstance(inp, list) else [inp]
            if inp is None or not items or any(not isinstance(x, str) or not x
                                               for x in items):
                raise Reject(400, "'$.input' is invalid. Please check the API "
                             "reference: https://platform.openai.com/docs/api-reference.",
                             "invalid_request_error")
            if "dimensions" in parsed and "ada-002" in parsed["model"]:
                raise Reject(400, "This model does not support specifying dimensions.",
                             "invalid_request_error")
        elif path == "/v1/messages":
            if "max_tokens" not in parsed:
                raise Reject(400, "max_tokens: Field required", "invalid_request_error")
            if not isinstance(parsed.get("messages"), list) or not parsed["messages"]:
                raise Reject(400, "messages: Field required", "invalid_request_error")
            tc = parsed.get("tool_choice")
            names = [t.get("name") for t in parsed.get("tools") or []
                     if isinstance(t, dict)]
            if isinstance(tc, dict) and tc.get("type") == "tool" \
                    and tc.get("name") not in names:
                raise Reject(400, "tool_choice.name: tool '%s' not found in tools"
                             % tc.get("name"), "invalid_request_error")

    def error(self, flavour, status, extra, reject=None, step=None):
        step = step or {}
        if step.get("html"):
            return self.send(status, "<html><head><title>%d</title></head><body>"
                             "<center><h1>%d Bad Gateway</h1></center><hr>"
                             "<center>cloudflare</center></body></html>"
                             % (status, status), extra, "text/html")
        if flavour == "openai":
            etype, code, msg = OPENAI_ERRORS.get(
                status, ("server_error" if status >= 500 else "invalid_request_error",
                         None, "Request failed."))
            if reject:
                etype, code, msg = reject.etype or etype, reject.code, reject.message
            body = {"error": {"message": step.get("message", msg),
                              "type": step.get("error_type", etype),
                              "param": reject.param if reject else None,
                              "code": step.get("error_code", code)}}
            extra.setdefault("x-request-id", rid("req_"))
        elif flavour == "anthropic":
            etype = ANTHROPIC_ERRORS.get(status, "api_error")
            msg = ANTHROPIC_MESSAGES.get(etype, "Error")
            if reject:
                etype, msg = reject.etype or etype, reject.message
            body = {"type": "error",
                    "error": {"type": step.get("error_type", etype),
                              "message": step.get("message", msg)}}
            extra.setdefault("request-id", rid("req_"))
        else:
            code, msg = ELEVENLABS_ERRORS.get(status, ("error", "Request failed."))
            if reject:
                code, msg = reject.etype or code, reject.message
            body = {"detail": {"status": step.get("error_code", code),
                               "message": step.get("message", msg)}}
        return self.send(status, body, extra)

    # OpenAI

    def openai_chat(self, req, step, extra):
        prompt = "\n".join(message_text(m.get("content")) for m in req["messages"]
                           if isinstance(m, dict) and m.get("role") == "user")
        rf = req.get("response_format") or {}
        structured = rf.get("type") in ("json_schema", "json_object")

        finish = step.get("finish_reason", "stop")
        refusal = step.get("refusal")
        if refusal:
            content = None
        elif "content" in step:
            content = step["content"]
        elif structured:
            if step.get("malformed") == "content":
                content = '{"memories": [{"type": "fact'
            else:
                doc = step.get("output", {"memories": step.get(
                    "memories", extract_memories(prompt))})
                content = json.dumps(doc)
                if finish == "length":
                    content = content[:len(content) // 2]
        else:
            content = step.get("text", free_text(prompt))
            if finish == "length":
                content = content[:len(content) // 2]

        everything = "".join(message_text(m.get("content")) for m in req["messages"]
                             if isinstance(m, dict))
        if structured:
            everything += json.dumps(rf)
        usage = {"prompt_tokens": tokens(everything),
                 "completion_tokens": tokens(content or refusal or "")}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        usage["prompt_tokens_details"] = {"cached_tokens": 0, "audio_tokens": 0}
        usage["completion_tokens_details"] = {"reasoning_tokens": 0, "audio_tokens": 0}

        body = {
            "id": rid("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req["model"],
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content,
                            "refusal": refusal, "annotations": []},
                "logprobs": None,
                "finish_reason": finish,
            }],
            "usage": usage,
            "service_tier": "default",
            "system_fingerprint": "fp_fake0000",
        }
        self.set_usage(body, step)
        self.send(200, body, self.openai_headers(extra))

    def openai_headers(self, extra):
        h = {"openai-organization": "org-fake", "openai-processing-ms": "42",
             "openai-version": "2020-10-01", "x-request-id": rid("req_"),
             "x-ratelimit-limit-requests": "10000",
             "x-ratelimit-remaining-requests": "9999",
             "x-ratelimit-reset-requests": "6ms",
             "x-ratelimit-limit-tokens": "10000000",
             "x-ratelimit-remaining-tokens": "9999000",
             "x-ratelimit-reset-tokens": "0s"}
        h.update(extra)
        return h

    def set_usage(self, body, step):
        if "usage" in step:
            if step["usage"] is None:
                del body["usage"]
            else:
                body["usage"].update(step["usage"])

    def openai_embeddings(self, req, step, extra):
        inp = req["input"]
        items = inp if isinstance(inp, list) else [inp]
        model = req["model"]
        dims = int(req.get("dimensions") or (3072 if "large" in model else 1536))
        dims = int(step.get("dims", dims))
        with self.state.lock:
            alias = dict(self.state.embed_alias)
        data = []
        for i, text in enumerate(items):
            vec = embed(alias.get(text, text), dims)
            if req.get("encoding_format") == "base64":
                vec = base64.b64encode(struct.pack("<%df" % dims, *vec)).decode()
            data.append({"object": "embedding", "index": i, "embedding": vec})
        if step.get("reverse"):
            data.reverse()      # real servers do not promise the order
        n = sum(len(re.findall(r"\S+", t)) for t in items)
        body = {"object": "list", "data": data, "model": model,
                "usage": {"prompt_tokens": n, "total_tokens": n}}
        self.set_usage(body, step)
        self.send(200, body, self.openai_headers(extra))

    # Anthropic

    def anthropic_messages(self, req, step, extra):
        prompt = "\n".join(message_text(m.get("content")) for m in req["messages"]
                           if isinstance(m, dict) and m.get("role") == "user")
        tools = [t for t in req.get("tools") or [] if isinstance(t, dict)]
        tc = req.get("tool_choice") or {}
        stop = step.get("stop_reason")
        if stop is None and step.get("finish_reason") == "length":
            stop = "max_tokens"
        if step.get("refusal"):
            stop = "refusal"

        if stop == "refusal":
            content = []
        elif tools and step.get("malformed") != "content":
            name = tc.get("name") if tc.get("type") == "tool" else tools[0].get("name")
            doc = step.get("output", {"memories": step.get(
                "memories", extract_memories(prompt))})
            if stop == "max_tokens":
                doc = {}
            content = [{"type": "tool_use", "id": rid("toolu_"), "name": name,
                        "input": doc}]
            stop = stop or "tool_use"
        elif tools:
            content = [{"type": "text", "text": "I have recorded the memories."}]
            stop = stop or "end_turn"
        else:
            text = step.get("text", free_text(prompt))
            if stop == "max_tokens":
                text = text[:len(text) // 2]
            content = [{"type": "text", "text": text}]
            stop = stop or "end_turn"

        everything = (req.get("system") or "") + prompt + json.dumps(tools)
        body = {
            "id": rid("msg_"),
            "type": "message",
            "role": "assistant",
            "model": req["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": tokens(everything),
                      "output_tokens": tokens(json.dumps(content)),
                      "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0},
        }
        self.set_usage(body, step)
        h = {"request-id": rid("req_"), "anthropic-organization-id": "org-fake"}
        h.update(extra)
        self.send(200, body, h)

    # ElevenLabs

    def elevenlabs_agent(self, req, step, extra):
        agent_id = self.path.rsplit("/", 1)[1].split("?")[0]
        with self.state.lock:
            profile = self.state.agents.get(agent_id)
        if profile is None:
            if not agent_id.startswith("agent_") or agent_id.startswith("agent_missing"):
                return self.error("elevenlabs", 404, extra)
            with open(self.state.agent_fixture) as f:
                profile = json.load(f)
            profile["agent_id"] = agent_id
        self.send(200, profile, extra)


    def elevenlabs_conversations(self, req, step, extra):
        q = parse_qs(urlsplit(self.path).query)

        def arg(name, default=None):
            return q[name][0] if name in q else default

        try:
            size = int(arg("page_size", "30"))
            after = int(arg("call_start_after_unix", "0"))
        except ValueError:
            return self.send(422, {"detail": [{"loc": ["query", "page_size"],
                                               "msg": "value is not a valid integer",
                                               "type": "type_error.integer"}]}, extra)
        if not 1 <= size <= 100:
            return self.send(422, {"detail": [{"loc": ["query", "page_size"],
                                               "msg": "ensure this value is less than "
                                                      "or equal to 100",
                                               "type": "value_error"}]}, extra)
        agent = arg("agent_id")

        def start(c):
            return (c.get("metadata") or {}).get("start_time_unix_secs", 0)

        with self.state.lock:
            convs = [c for c in self.state.conversations.values()
                     if (agent is None or c.get("agent_id") == agent)
                     and (not after or start(c) > after)]
        # newest first; the cursor is the last (start, id) served, so pages
        # stay stable when newer calls arrive meanwhile
        convs.sort(key=lambda c: (start(c), c["conversation_id"]), reverse=True)
        cursor = arg("cursor")
        if cursor:
            try:
                t, cid = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
                last = (int(t), cid)
            except (ValueError, UnicodeDecodeError):
                return self.send(400, {"detail": {"status": "invalid_cursor",
                                                  "message": "Invalid cursor"}}, extra)
            convs = [c for c in convs if (start(c), c["conversation_id"]) < last]
        page, rest = convs[:size], convs[size:]
        items = [{"agent_id": c.get("agent_id"),
                  "agent_name": c.get("agent_name"),
                  "conversation_id": c["conversation_id"],
                  "start_time_unix_secs": start(c),
                  "call_duration_secs": (c.get("metadata") or {}).get("call_duration_secs", 0),
                  "message_count": len(c.get("transcript") or []),
                  "status": c.get("status", "done"),
                  "call_successful": (c.get("analysis") or {}).get("call_successful", "unknown")}
                 for c in page]
        nxt = None
        if rest:
            nxt = base64.urlsafe_b64encode(("%d:%s" % (start(page[-1]),
                                            page[-1]["conversation_id"])).encode()).decode()
        self.send(200, {"conversations": items, "has_more": bool(rest),
                        "next_cursor": nxt}, extra)

    def elevenlabs_conversation(self, req, step, extra):
        cid = urlsplit(self.path).path.rsplit("/", 1)[1]
        with self.state.lock:
            conv = copy.deepcopy(self.state.conversations.get(cid))
        if conv is None:
            return self.send(404, {"detail": {"status": "conversation_not_found",
                                              "message": "Conversation not found"}}, extra)
        self.send(200, conv, extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # clients that time out and hang up are part of the tests
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--scenario")
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--agent-fixture", default=DEFAULT_AGENT_FIXTURE)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    state = State(args.latency_ms, args.agent_fixture)
    if args.scenario:
        with open(args.scenario) as f:
            state.apply(json.load(f))

    Handler.state = state
    Handler.verbose = args.verbose
    server = Server((args.host, args.port), Handler)
    port = server.server_address[1]

    print(port, flush=True)
    if args.port_file:
        tmp = "%s.%d.tmp" % (args.port_file, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)

    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
