#!/usr/bin/env python3
"""A small stand-in for the FunctionGraph custom-runtime API, for checking bootstraps by hand.

Developer tool only: the product's integration tests do not use it.

It serves
    GET  /v1/runtime/invocation/request          -> blocks until an event is queued
    POST /v1/runtime/invocation/response/{id}    -> records the result
    POST /v1/runtime/invocation/error/{id}       -> records the error
on 127.0.0.1 with HTTP/1.1 keep-alive, and prints one JSON line per posted result.

Modes
  Serve a queue of events, printing what the runtime posted back:
      fake_runtime_api.py [--port 9001] [--init] EVENT...      (or one event per stdin line)
      fake_runtime_api.py --run tests/runtimes/curl/bootstrap -- EVENT...
  With --run the bootstrap is started with RUNTIME_API_ADDR and the usual RUNTIME_* variables;
  the tool exits when every event has a result (or --timeout passes).

  Self-test a bootstrap against the behaviour protocol of tests/runtimes/README.md:
      fake_runtime_api.py --selftest protocol  --run tests/runtimes/python/bootstrap
      fake_runtime_api.py --selftest echo      --run invoker/demo/echo-bash/bootstrap
      fake_runtime_api.py --selftest echo-json --run invoker/demo/echo-python/bootstrap
  Exit status 0 when every check passed. Add -v to print the HTTP request headers each client
  sent (useful to see User-Agent, Upgrade, Expect, Transfer-Encoding and so on).

Server options that exercise a client's HTTP handling:
  --chunked-events   send events with Transfer-Encoding: chunked instead of Content-Length
  --close-every N    answer every Nth request with Connection: close and drop the connection
  --no-100-continue  never send "100 Continue" to Expect: 100-continue (curl then waits 1 s)
"""

import argparse
import json
import os
import queue
import select
import shlex
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUEST_PATH = "/v1/runtime/invocation/request"
RESPONSE_PREFIX = "/v1/runtime/invocation/response/"
ERROR_PREFIX = "/v1/runtime/invocation/error/"


class Invocation:
    def __init__(self, body, invoke_type="sync"):
        self.id = str(uuid.uuid4())
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.invoke_type = invoke_type
        self.done = threading.Event()
        self.kind = None  # "response" | "error"
        self.result = b""
        self.get_headers = None  # headers of the GET that received the event
        self.post_headers = None  # headers of the POST that answered it
        self.delivered_at = None
        self.finished_at = None

    def summary(self, limit=200):
        text = self.result.decode("utf-8", "replace")
        return {
            "id": self.id,
            "invoke_type": self.invoke_type,
            "event": self.body.decode("utf-8", "replace")[:limit],
            "kind": self.kind or "none",
            "length": len(self.result),
            "body": text if len(text) <= limit else text[:limit] + "...",
            "seconds": round(self.finished_at - self.delivered_at, 3)
            if self.finished_at and self.delivered_at else None,
        }


class FakeApi:
    def __init__(self, port=0, chunked_events=False, close_every=0, verbose=False,
                 send_100_continue=True):
        self.queue = queue.Queue()
        self.pending = {}
        self.lock = threading.Lock()
        self.chunked_events = chunked_events
        self.close_every = close_every
        self.verbose = verbose
        self.send_100_continue = send_100_continue
        self.request_count = 0
        self.connections = 0
        self.client_headers = []  # (method, path, {header: value}) for every request seen
        self.stopping = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # quiet
                pass

            def handle_expect_100(self):
                if api.send_100_continue:
                    return super().handle_expect_100()
                return True  # read the body without answering the Expect

            def setup(self):
                super().setup()
                with api.lock:
                    api.connections += 1

            def _note(self):
                hdrs = {k: v for k, v in self.headers.items()}
                with api.lock:
                    api.request_count += 1
                    n = api.request_count
                    api.client_headers.append((self.command, self.path, hdrs))
                if api.verbose:
                    print(f"# {self.command} {self.path} {self.request_version} {hdrs}",
                          file=sys.stderr, flush=True)
                return api.close_every and n % api.close_every == 0

            def _reply(self, status, body=b"", headers=(), close=False, chunked=False):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(body)))
                if close:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if chunked:
                    step = max(1, len(body) // 3 or 1)
                    for i in range(0, len(body), step):
                        part = body[i:i + step]
                        self.wfile.write(b"%x;ext=1\r\n" % len(part) + part + b"\r\n")
                    self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
                else:
                    self.wfile.write(body)
                self.wfile.flush()

            def _peer_closed(self):
                try:
                    readable, _, _ = select.select([self.connection], [], [], 0)
                    if not readable:
                        return False
                    return self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    return True

            def _read_body(self):
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    out = bytearray()
                    while True:
                        line = self.rfile.readline()
                        size = int(line.split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return bytes(out)
                        out += self.rfile.read(size)
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self):
                close = self._note()
                if self.path != REQUEST_PATH:
                    self._reply(404, b'{"error":"not found"}', close=close)
                    return
                while True:
                    if api.stopping:
                        self._reply(503, b"stopping", close=True)
                        return
                    try:
                        inv = api.queue.get(timeout=0.1)
                        break
                    except queue.Empty:
                        if self._peer_closed():
                            self.close_connection = True
                            return
                if self._peer_closed():  # the client went away while we waited: requeue
                    api.queue.put(inv)
                    self.close_connection = True
                    return
                inv.get_headers = {k: v for k, v in self.headers.items()}
                inv.delivered_at = time.monotonic()
                with api.lock:
                    api.pending[inv.id] = inv
                self._reply(200, inv.body, headers=[
                    ("Content-Type", "application/json"),
                    ("X-Cff-Request-Id", inv.id),
                    ("X-CFF-Invoke-Type", inv.invoke_type),
                    ("X-CFF-Access-Key", ""),
                    ("X-CFF-Secret-Key", ""),
                    ("X-CFF-Auth-Token", ""),
                    ("X-CFF-Security-Token", ""),
                ], close=close, chunked=api.chunked_events)

            def do_POST(self):
                close = self._note()
                body = self._read_body()
                if self.path.startswith(RESPONSE_PREFIX):
                    kind, rid = "response", self.path[len(RESPONSE_PREFIX):]
                elif self.path.startswith(ERROR_PREFIX):
                    kind, rid = "error", self.path[len(ERROR_PREFIX):]
                else:
                    self._reply(404, b'{"error":"not found"}', close=close)
                    return
                with api.lock:
                    inv = api.pending.pop(rid, None)
                if inv is None:
                    self._reply(404, b'{"error":"unknown request id"}', close=close)
                    return
                inv.kind, inv.result = kind, body
                inv.post_headers = {k: v for k, v in self.headers.items()}
                inv.finished_at = time.monotonic()
                inv.done.set()
                self._reply(202, b"", close=close)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # A runtime that exits or is stopped mid-request is normal here: stay quiet.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def submit(self, body, invoke_type="sync"):
        inv = Invocation(body, invoke_type)
        self.queue.put(inv)
        return inv

    def drain(self):
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                return

    def close(self):
        self.stopping = True
        self.server.shutdown()
        self.server.server_close()


class Runtime:
    """A bootstrap process, with its stdout/stderr captured (and echoed when verbose)."""

    def __init__(self, cmd, api, extra_env=None, verbose=False, echo_output=True):
        env = dict(os.environ)
        if os.path.exists(cmd[0]):
            cmd = [os.path.abspath(cmd[0])] + list(cmd[1:])
        code_root = os.path.dirname(cmd[0]) if os.path.isabs(cmd[0]) else os.getcwd()
        env.update({
            "RUNTIME_API_ADDR": api.addr,
            "RUNTIME_PROJECT_ID": "0123456789abcdef0123456789abcdef",
            "RUNTIME_FUNC_NAME": "selftest-fn",
            "RUNTIME_FUNC_VERSION": "latest",
            "RUNTIME_PACKAGE": "default",
            "RUNTIME_HANDLER": "bootstrap",
            "RUNTIME_TIMEOUT": "30",
            "RUNTIME_USERDATA": "{}",
            "RUNTIME_CPU": "0.3",
            "RUNTIME_MEMORY": "256",
            "RUNTIME_CODE_ROOT": code_root,
            "RUNTIME_ROOT": code_root,
            "RUNTIME_LOG_DIR": "/tmp",
            "RUNTIME_MAX_RESP_BODY_SIZE": "6291456",
            "RUNTIME_INITIALIZER_HANDLER": "",
            "RUNTIME_INITIALIZER_TIMEOUT": "30",
        })
        env.update(extra_env or {})
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.proc = subprocess.Popen(cmd, env=env, cwd=code_root, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout, "out",
                                                      verbose and echo_output), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr, "err",
                                                      verbose and echo_output), daemon=True),
        ]
        for t in self.threads:
            t.start()

    @staticmethod
    def _pump(stream, sink, tag, echo):
        for line in iter(stream.readline, b""):
            sink.extend(line)
            if echo:
                text = line.decode("utf-8", "replace").rstrip("\n")
                print(f"  [{tag}] {text[:300]}", file=sys.stderr, flush=True)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            if self.wait(3) is None:
                self.proc.kill()
                self.proc.wait()
        for t in self.threads:
            t.join(2)


# ------------------------------------------------------------------------------- self-tests

class Checker:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = []

    def check(self, label, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok   {label}", flush=True)
        else:
            self.failed.append(label)
            print(f"  FAIL {label} {detail}", flush=True)
        return ok


def _wait(c, inv, label, timeout):
    if not inv.done.wait(timeout):
        c.check(label, False, f"(no result within {timeout}s)")
        return False
    return True


def _show(inv):
    s = inv.summary(120)
    return f"(kind={s['kind']} len={s['length']} body={s['body']!r})"


def selftest_protocol(args, cmd):
    c = Checker("protocol")
    t = args.timeout
    api = FakeApi(chunked_events=args.chunked_events, close_every=args.close_every,
                  verbose=args.verbose, send_100_continue=not args.no_100_continue)
    try:
        # --- main run: init, then every behaviour, ending with exit ------------------------
        print(f"* main run: {shlex.join(cmd)}", flush=True)
        rt = Runtime(cmd, api, {"CUSTOM_VAR": "custom välue ✓"}, verbose=args.verbose)
        started = time.monotonic()
        inv = api.submit(b"", "init")
        if _wait(c, inv, "init", t + 30):  # first start may compile (java)
            c.check(f"init -> initialized ({time.monotonic() - started:.2f}s after start)",
                    inv.kind == "response" and inv.result == b"initialized", _show(inv))

        def run(event, label, expect_kind="response", expect=None, invoke_type="sync",
                predicate=None):
            body = event if isinstance(event, bytes) else event.encode("utf-8")
            inv = api.submit(body, invoke_type)
            if not _wait(c, inv, label, t):
                return inv
            ok = inv.kind == expect_kind
            if expect is not None:
                ok = ok and inv.result == (expect if isinstance(expect, bytes) else expect.encode())
            if predicate is not None:
                ok = ok and predicate(inv)
            c.check(label, ok, _show(inv))
            return inv

        ev = '{"echo": {"a": [1, 2, "x"], "b": null}}'
        run(ev, "echo -> raw event body", expect=ev)
        ev = '{ "echo" : "spaced" , "extra": 1 }'
        run(ev, "echo with whitespace -> raw event body", expect=ev)
        run('{"print": "hello stdout"}', "print -> ok", expect="ok")
        run('{"stderr": "hello stderr"}', "stderr -> ok", expect="ok")
        run('{"print": "h\\u00e9llo \\"q\\" \\\\ tab\\tend ✓"}', "print (escapes) -> ok",
            expect="ok")
        inv = run('{"error": "boom \\"quoted\\""}', "error -> /error", expect_kind="error")
        try:
            err = json.loads(inv.result)
            c.check("error body is {errorMessage, errorType}",
                    err.get("errorMessage") == 'boom "quoted"' and err.get("errorType") == "TestError",
                    _show(inv))
        except ValueError:
            c.check("error body is JSON", False, _show(inv))
        inv = run('{"sleep_ms": 300}', "sleep_ms 300 -> slept", expect="slept")
        if inv.done.is_set():
            c.check("sleep_ms took >= 0.3 s", inv.finished_at - inv.delivered_at >= 0.29,
                    f"({inv.finished_at - inv.delivered_at:.3f}s)")
        run('{"big": 3000000}', "big 3000000 -> 3000000 x 'a'", expect=b"a" * 3000000)
        run('{"big": 0}', "big 0 -> empty body", expect=b"")
        run('{"env": "RUNTIME_FUNC_NAME"}', "env RUNTIME_FUNC_NAME", expect="selftest-fn")
        run('{"env": "CUSTOM_VAR"}', "env CUSTOM_VAR (utf-8)", expect="custom välue ✓")
        run('{"env": "SURELY_NOT_SET_VAR"}', "env unset -> empty", expect="")
        inv = run('{"chunked": "chunky text"}', "chunked -> text", expect="chunky text")
        if inv.post_headers is not None:
            te = {k.lower(): v for k, v in inv.post_headers.items()}.get("transfer-encoding", "")
            c.check("chunked POST used Transfer-Encoding: chunked", "chunked" in te.lower(),
                    f"(headers {inv.post_headers})")
        run("not json at all", "plain text -> echo", expect="not json at all")
        run('{"other": 1}', "unknown key -> echo", expect='{"other": 1}')
        run('[1,2,3]', "JSON array -> echo", expect="[1,2,3]")
        run(b"", "empty event -> echo (empty)", expect=b"")
        big_event = '{"echo": "' + "x" * (2 * 1024 * 1024) + '"}'
        run(big_event, "echo 2 MiB event", expect=big_event)
        binary = bytes(range(256)) * 64
        run(binary, "binary event (all byte values) -> echo", expect=binary)
        run('{"print": "async event"}', "async invoke type -> handled", expect="ok",
            invoke_type="async")
        results = [api.submit(f'{{"echo": {i}}}') for i in range(50)]
        ok = all(r.done.wait(t) and r.result == f'{{"echo": {i}}}'.encode()
                 for i, r in enumerate(results))
        c.check("50 sequential echoes", ok)
        conns_before = api.connections
        results = [api.submit(f'{{"n": {i}}}') for i in range(20)]
        all(r.done.wait(t) for r in results)
        print(f"  info 20 events used {api.connections - conns_before} new connection(s)",
              flush=True)
        inv = api.submit('{"exit": 3}')
        code = rt.wait(t)
        c.check("exit 3 -> process exit code 3", code == 3, f"(exit code {code})")
        c.check("exit -> no response posted", not inv.done.is_set(), _show(inv))
        rt.stop()
        out = rt.stdout.decode("utf-8", "replace")
        err = rt.stderr.decode("utf-8", "replace")
        c.check("stdout has 'hello stdout'", "hello stdout" in out, f"(stdout {out[:300]!r})")
        c.check("stdout has decoded escapes", 'héllo "q" \\ tab\tend ✓' in out,
                f"(stdout {out[:300]!r})")
        c.check("stderr has 'hello stderr'", "hello stderr" in err, f"(stderr {err[:300]!r})")
        c.check("stderr has 'exiting 3'", "exiting 3" in err, f"(stderr {err[-300:]!r})")
        c.check("'hello stderr' not on stdout", "hello stderr" not in out)
        api.drain()

        # --- FAIL_INIT=1 -----------------------------------------------------------------
        print("* FAIL_INIT=1", flush=True)
        rt = Runtime(cmd, api, {"FAIL_INIT": "1"}, verbose=args.verbose)
        inv = api.submit(b"", "init")
        if _wait(c, inv, "init with FAIL_INIT=1", t + 30):
            c.check("init with FAIL_INIT=1 -> /error", inv.kind == "error", _show(inv))
        rt.stop()
        api.drain()

        # --- INIT_SLEEP_MS ----------------------------------------------------------------
        print("* INIT_SLEEP_MS=400", flush=True)
        rt = Runtime(cmd, api, {"INIT_SLEEP_MS": "400"}, verbose=args.verbose)
        inv = api.submit(b"", "init")
        if _wait(c, inv, "init with INIT_SLEEP_MS", t + 30):
            c.check("init with INIT_SLEEP_MS=400 -> initialized",
                    inv.kind == "response" and inv.result == b"initialized", _show(inv))
            c.check("init took >= 0.4 s", inv.finished_at - inv.delivered_at >= 0.39,
                    f"({inv.finished_at - inv.delivered_at:.3f}s)")
        inv = api.submit('{"exit": 0}')
        code = rt.wait(t)
        c.check("exit 0 -> process exit code 0", code == 0, f"(exit code {code})")
        rt.stop()
        _report_headers(api)
    finally:
        api.close()
    return c


def selftest_echo(args, cmd, json_mode):
    c = Checker("echo")
    t = args.timeout
    api = FakeApi(chunked_events=args.chunked_events, close_every=args.close_every,
                  verbose=args.verbose, send_100_continue=not args.no_100_continue)
    try:
        print(f"* echo run: {shlex.join(cmd)}", flush=True)
        rt = Runtime(cmd, api, verbose=args.verbose)
        events = [b'{"hello": "world"}', b"plain text", b"", '{"u": "välue ✓"}'.encode(),
                  b"x" * 100000, bytes(range(256)) * 16, b'{"big": "' + b"y" * 3000000 + b'"}']
        events += [b'{"n": %d}' % i for i in range(30)]
        for i, ev in enumerate(events):
            inv = api.submit(ev)
            if not _wait(c, inv, f"event {i}", t + (30 if i == 0 else 0)):
                continue
            if json_mode:
                try:
                    got = json.loads(inv.result)
                    try:
                        want = json.loads(ev)
                    except ValueError:
                        want = ev.decode("utf-8", "replace")
                    ok = (inv.kind == "response" and got.get("echo") == want
                          and got.get("function") == "selftest-fn"
                          and str(got.get("memory")) == "256")
                except ValueError:
                    ok = False
                if i < 6 or not ok:
                    c.check(f"event {i} ({len(ev)} bytes) -> JSON echo", ok, _show(inv))
                else:
                    c.passed += 1
            else:
                ok = inv.kind == "response" and inv.result == ev
                if i < 7 or not ok:
                    c.check(f"event {i} ({len(ev)} bytes) -> raw echo", ok, _show(inv))
                else:
                    c.passed += 1
        out = rt.stdout.decode("utf-8", "replace")
        c.check("wrote log lines to stdout", len(out.splitlines()) >= len(events) // 2,
                f"(stdout {out[:200]!r})")
        print(f"  info {len(events)} events used {api.connections} connection(s)", flush=True)
        rt.stop()
        _report_headers(api)
    finally:
        api.close()
    return c


def _report_headers(api):
    seen = {}
    for method, path, hdrs in api.client_headers:
        kind = "GET request" if method == "GET" else \
            ("POST error" if "/error/" in path else "POST response")
        names = sorted(k for k in hdrs)
        key = (kind, tuple(names))
        if key not in seen:
            seen[key] = hdrs
    print("  info request header sets seen:", flush=True)
    for (kind, names), hdrs in seen.items():
        shown = {k: (v if len(v) < 60 else v[:60] + "...") for k, v in hdrs.items()}
        print(f"       {kind}: {shown}", flush=True)


# ------------------------------------------------------------------------------------ main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0, help="listen port (default: any free port)")
    p.add_argument("--init", action="store_true", help="queue an init event first")
    p.add_argument("--invoke-type", default="sync", help="invoke type header for the events")
    p.add_argument("--run", help="bootstrap command to start (split like a shell would)")
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for --run (repeatable)")
    p.add_argument("--timeout", type=float, default=20, help="seconds to wait per result")
    p.add_argument("--chunked-events", action="store_true")
    p.add_argument("--close-every", type=int, default=0)
    p.add_argument("--no-100-continue", action="store_true")
    p.add_argument("--selftest", choices=["protocol", "echo", "echo-json"])
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("events", nargs="*")
    args = p.parse_args()

    if args.selftest:
        if not args.run:
            p.error("--selftest needs --run")
        cmd = shlex.split(args.run)
        if args.selftest == "protocol":
            c = selftest_protocol(args, cmd)
        else:
            c = selftest_echo(args, cmd, args.selftest == "echo-json")
        print(f"{c.name}: {c.passed} passed, {len(c.failed)} failed", flush=True)
        for f in c.failed:
            print(f"  failed: {f}")
        sys.exit(1 if c.failed else 0)

    api = FakeApi(args.port, args.chunked_events, args.close_every, args.verbose,
                  not args.no_100_continue)
    print(f"# listening on {api.addr} (RUNTIME_API_ADDR={api.addr})", file=sys.stderr, flush=True)
    events = args.events
    if not events and not sys.stdin.isatty():
        events = [line.rstrip("\n") for line in sys.stdin]
    invs = []
    if args.init:
        invs.append(api.submit(b"", "init"))
    invs += [api.submit(e, args.invoke_type) for e in events]
    rt = None
    if args.run:
        env = dict(kv.split("=", 1) for kv in args.env)
        rt = Runtime(shlex.split(args.run), api, env, verbose=True)
    try:
        for inv in invs:
            if not inv.done.wait(args.timeout if args.run else None):
                s = inv.summary()
                s["kind"] = "timeout"
                if rt and rt.proc.poll() is not None:
                    s["kind"] = "exited"
                    s["exit_code"] = rt.proc.returncode
                print(json.dumps(s, ensure_ascii=False), flush=True)
                if rt and rt.proc.poll() is not None:
                    break
                continue
            print(json.dumps(inv.summary(), ensure_ascii=False), flush=True)
        if not args.run:
            print("# all events answered; Ctrl-C to stop", file=sys.stderr, flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if rt:
            rt.stop()
        api.close()


if __name__ == "__main__":
    main()
