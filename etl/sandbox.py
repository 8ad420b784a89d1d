"""A child process that parses untrusted bytes, under memory and time limits.

The server (Streamlit, threads) and the CLI never run a spreadsheet parser themselves: a
:class:`Sandbox` starts one child (``multiprocessing`` with the ``forkserver`` start method, never
``fork`` of a threaded server), sends it requests and watches it while it works:

* in the child, ``RLIMIT_AS`` allows ``parse_memory_mb`` of address space beyond what the child
  already has mapped when it starts, so a reader asking for a huge block fails at once;
* in the parent, the child's resident memory (``/proc/<pid>/status`` VmRSS) and the wall time of
  every request are polled; above ``parse_memory_mb`` or ``parse_timeout_s`` the child is killed.

A child that dies (a signal such as SIGABRT from calamine, the watchdog, the OOM killer) becomes a
:class:`~etl.errors.LoadError` naming the file; the parent carries on. Messages from the child are
JSON headers and raw bytes (Arrow IPC), never pickles: the parent does not trust what comes back.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import asdict

from etl.errors import LoadError, Problem

PRELOAD = ["etl.read", "etl.xlsx_peek", "etl.sandbox", "fastexcel", "pyarrow", "pandas", "numpy"]
POLL_S = 0.05
BROKEN_HINT = "请在 Excel/WPS 中打开确认后重新保存，或向报送单位重新索取"

_ctx = None
_ctx_lock = threading.Lock()


def _context():
    """The forkserver context, with the heavy modules preloaded so that a child starts in milliseconds."""
    global _ctx
    with _ctx_lock:
        if _ctx is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _ctx = ctx
    return _ctx


def _preloaded_into_forkserver() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "main" and code.co_filename.endswith(os.path.join("multiprocessing", "forkserver.py")):
            return True
        frame = frame.f_back
    return False


if _preloaded_into_forkserver():
    # Children of this fork server run only ``_child_main`` below: they need not re-run the parent's
    # ``__main__`` (multiprocessing would otherwise execute the ``streamlit``/``pytest`` launcher script,
    # or an unguarded script, again in every child). Python 3.11 ignores "__main__" in the preload list.
    from multiprocessing import spawn as _spawn

    _spawn._fixup_main_from_path = lambda main_path: None
    _spawn._fixup_main_from_name = lambda mod_name: None


def warm_up() -> None:
    """Start the fork server now (about 0.3–0.5 s) rather than at the first upload."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _mb(n: float) -> str:
    return f"{n:,.0f}"


class Sandbox:
    """One child process serving requests for one file; ``call`` returns (header, blobs)."""

    def __init__(self, file: str, handler: str, limits, *, _test_hooks: bool = False):
        self.file = file
        self.limits = limits
        self.peak_rss_mb = 0.0
        self.dead: LoadError | None = None
        ctx = _context()
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=_child_main, args=(child, handler, int(limits.parse_memory_mb), _test_hooks),
                                 name="rural-reader", daemon=True)
        self._lock = threading.Lock()
        t0 = time.monotonic()
        self._proc.start()
        child.close()
        self.start_s = time.monotonic() - t0

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    # ------------------------------------------------------------------ requests
    def call(self, op: str, args: dict | None = None, payload: bytes | None = None) -> tuple[dict, list[bytes]]:
        with self._lock:
            if self.dead is not None:
                raise self.dead
            t0 = time.monotonic()
            try:
                self._conn.send_bytes(json.dumps({"op": op, "args": args or {}, "payload": payload is not None}).encode())
                if payload is not None:
                    self._conn.send_bytes(payload)
            except (BrokenPipeError, ConnectionError, OSError):
                self._die(None, t0)
            header = self._receive(t0)
            blobs = []
            most = int(self.limits.parse_memory_mb) * 1024 * 1024     # no reply is larger than the child's memory
            try:
                n = int(header.get("blobs", 0))
                if not 0 <= n <= 64:
                    raise ValueError
                for _ in range(n):
                    self._wait_for_data(t0)               # a child that promises a blob and stalls is timed out
                    blobs.append(self._conn.recv_bytes(maxlength=most))
            except (EOFError, ConnectionError, OSError, ValueError):
                self._kill()
                self._die(None, t0)
            if header.get("status") == "ok":
                return header, blobs
            err = self._error(header)
            if header.get("fatal"):          # the child stopped itself (out of memory)
                err.crashed = True
                self.dead = err
                self._reap()
            raise err

    def _wait_for_data(self, t0: float) -> None:
        timeout = float(self.limits.parse_timeout_s)
        while not self._conn.poll(POLL_S):
            if time.monotonic() - t0 > timeout:
                self._kill()
                self._die("timeout", t0)
            if not self._proc.is_alive() and not self._conn.poll(0):
                self._die(None, t0)

    def _receive(self, t0: float) -> dict:
        pid = self._proc.pid
        limit_mb = float(self.limits.parse_memory_mb)
        timeout = float(self.limits.parse_timeout_s)
        while True:
            if self._conn.poll(POLL_S):
                self.peak_rss_mb = max(self.peak_rss_mb, rss_mb(pid))
                try:
                    raw = self._conn.recv_bytes(maxlength=1 << 20)     # a header is small JSON
                except (EOFError, ConnectionError, OSError):
                    self._kill()
                    self._die(None, t0)
                try:
                    header = json.loads(raw)
                    if not isinstance(header, dict):
                        raise ValueError
                    return header
                except ValueError:
                    self._kill()
                    self._die(None, t0)
            rss = rss_mb(pid)
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            if rss > limit_mb:
                self._kill()
                self._die("memory", t0)
            if time.monotonic() - t0 > timeout:
                self._kill()
                self._die("timeout", t0)
            if not self._proc.is_alive() and not self._conn.poll(0):
                self._die(None, t0)

    def _error(self, header: dict) -> LoadError:
        if header.get("status") == "error":
            problems = []
            for p in header.get("problems") or []:
                try:
                    problems.append(Problem(**{k: v for k, v in p.items() if k in Problem.__dataclass_fields__}))
                except TypeError:
                    pass
            if problems:
                for p in problems:
                    p.file = p.file or self.file
                return LoadError(problems)
        if header.get("status") == "memory":
            return self._memory_error()
        detail = "".join(ch for ch in str(header.get("detail", ""))[:40] if ch.isalnum() or ch == "_")
        return LoadError(Problem(f"读取文件时出错（{detail or '未知错误'}），文件可能已损坏或构造异常", file=self.file,
                                 hint=BROKEN_HINT))

    def _memory_error(self) -> LoadError:
        return LoadError(Problem(f"读取时内存超过上限 {_mb(self.limits.parse_memory_mb)} MB，已停止", file=self.file,
                                 hint="文件过大或构造异常；如是正常报表，请拆分成几个文件，或只保留需要的工作表后再载入"))

    def _die(self, why: str | None, t0: float):
        """The child is gone (or being killed): record and raise the reason, naming the file."""
        self._reap()
        code = self._proc.exitcode
        if why == "memory":
            err = self._memory_error()
        elif why == "timeout":
            err = LoadError(Problem(f"读取超时（超过 {self.limits.parse_timeout_s:,.0f} 秒），已停止", file=self.file,
                                    hint="文件过大或构造异常；如是正常报表，请拆分成几个文件后再载入"))
        elif code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"信号 {-code}"
            extra = "（也可能是读取时内存超过上限）" if sig in ("SIGABRT", "SIGKILL", "SIGSEGV") else ""
            err = LoadError(Problem(f"读取器异常退出（信号 {sig}），文件可能已损坏或构造异常{extra}", file=self.file,
                                    hint=BROKEN_HINT))
        else:
            err = LoadError(Problem(f"读取器异常退出（退出码 {code}），文件可能已损坏或构造异常", file=self.file,
                                    hint=BROKEN_HINT))
        err.crashed = why != "timeout"      # worth a diagnostic scan of the sheet it died on
        self.dead = err
        raise err

    def _kill(self):
        try:
            self._proc.kill()
        except (OSError, AttributeError):
            pass

    def _reap(self):
        self._proc.join(2)
        if self._proc.is_alive():
            self._kill()
            self._proc.join(2)

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        if self._proc.pid is None:
            return
        if self.dead is None and self._proc.is_alive():
            try:
                with self._lock:
                    self._conn.send_bytes(b'{"op": "close"}')
            except (OSError, ValueError):
                pass
            self._proc.join(1)
        if self._proc.is_alive():
            self._kill()
            self._proc.join(2)
        try:
            self._conn.close()
        except OSError:
            pass
        try:
            self._proc.close()
        except ValueError:
            pass

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _run_test_hook(self, hook: str) -> dict:
        """Tests only: run one of the fixed ``_TEST_HOOKS`` in a child started with ``_test_hooks=True``."""
        return self.call("__test__", {"hook": hook})[0]


# =================================================================================== the child
class Channel:
    """The child's end: replies are a JSON header and raw blobs."""

    def __init__(self, conn):
        self.conn = conn
        self.lock = threading.Lock()

    def reply(self, header: dict, blobs=()) -> None:
        blobs = list(blobs)
        header = dict(header, blobs=len(blobs))
        with self.lock:
            self.conn.send_bytes(json.dumps(header).encode())
            for b in blobs:
                self.conn.send_bytes(b)


def _error_header(exc: BaseException) -> dict:
    if isinstance(exc, LoadError):
        return {"status": "error", "problems": [asdict(p) for p in exc.problems]}
    if isinstance(exc, MemoryError):
        return {"status": "memory"}
    return {"status": "crash", "detail": type(exc).__name__}


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_memory(memory_mb: int) -> None:
    import resource

    budget = _vm_size() + memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))


def _test_hooks():
    def hog():
        keep = []
        while True:
            keep.append(bytearray(b"\x01" * (16 << 20)))

    def sleep():
        time.sleep(10 ** 6)

    def boom():
        raise RuntimeError("test")

    return {"abort": os.abort, "hog": hog, "sleep": sleep, "raise": boom, "ping": lambda: None}


def _child_main(conn, handler: str, memory_mb: int, test_hooks: bool) -> None:
    code = 0
    try:
        try:
            import faulthandler

            faulthandler.disable()
            os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
            os.environ["RUST_BACKTRACE"] = "0"      # a calamine abort prints one line, not a stack
            import pyarrow as pa

            pa.set_memory_pool(pa.system_memory_pool())
            _limit_memory(memory_mb)
        except Exception:
            pass
        module, _, cls = handler.partition(":")
        chan = Channel(conn)
        serve = getattr(__import__(module, fromlist=[cls]), cls)(chan)
        hooks = _test_hooks() if test_hooks else {}
        while True:
            try:
                request = json.loads(conn.recv_bytes())
                payload = conn.recv_bytes() if request.get("payload") else None
            except (EOFError, OSError):
                break
            op = request.get("op")
            if op == "close":
                break
            try:
                if op == "__test__" and request["args"].get("hook") in hooks:
                    hooks[request["args"]["hook"]]()
                    chan.reply({"status": "ok"})
                    continue
                header, blobs = serve.handle(op, request.get("args") or {}, payload)
                chan.reply(dict(header, status="ok"), blobs)
            except MemoryError:              # the rest of this child's state cannot be trusted: stop
                chan.reply({"status": "memory", "fatal": True})
                break
            except BaseException as exc:     # every failure goes back as a message, never a traceback
                chan.reply(_error_header(exc))
    except BaseException:
        code = 70
    finally:
        os._exit(code)
