"""Loopback HTTP and HTTPS listeners: one shared port per scheme on every 127.0.0.x in use.

A single acceptor thread watches all listening sockets; each connection gets its own
thread (TLS handshake included) running ``SiteHandler``.
"""

from __future__ import annotations

import queue
import selectors
import socket
import ssl
import threading
import time

from tests.testweb.ca import TestCA
from tests.testweb.http_handler import Listener, ServeEnv, SiteHandler
from tests.testweb.reqlog import TlsHandshake

BIND_ATTEMPTS = 50
HANDSHAKE_TIMEOUT = 10.0
DEFAULT_CERT_NAME = "testweb-default.invalid"


def _listen(ip: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ip, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def bind_same_port(ips: list[str], port: int = 0) -> tuple[int, dict[str, socket.socket]]:
    """Listen on ``port`` (or one free on every address if 0) on all ``ips``."""
    last_error: OSError | None = None
    for _ in range(BIND_ATTEMPTS if port == 0 else 1):
        socks: dict[str, socket.socket] = {}
        try:
            first = _listen(ips[0], port)
            socks[ips[0]] = first
            chosen = int(first.getsockname()[1])
            for ip in ips[1:]:
                socks[ip] = _listen(ip, chosen)
            return chosen, socks
        except OSError as exc:  # port taken on one of the addresses: try another
            last_error = exc
            for sock in socks.values():
                sock.close()
    raise OSError(f"no port free on all of {ips[0]}..{ips[-1]}: {last_error}")


class HttpServers:
    """The HTTP + HTTPS listeners of one TestWeb and the threads serving them."""

    def __init__(self, env: ServeEnv, ca: TestCA, http_port: int = 0, https_port: int = 0) -> None:
        self.env = env
        self.ca = ca
        self._wanted = {"http": http_port, "https": https_port}
        self._listeners: dict[tuple[str, str], Listener] = {}
        self._pending: queue.SimpleQueue[Listener] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._tls_local = threading.local()
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._acceptor: threading.Thread | None = None
        self._tls_context = ca.make_context(DEFAULT_CERT_NAME)
        self._tls_context.sni_callback = self._sni

    @property
    def http_port(self) -> int:
        return self.env.ports["http"]

    @property
    def https_port(self) -> int:
        return self.env.ports["https"]

    def start(self, ips: list[str]) -> None:
        for scheme in ("http", "https"):
            port, socks = bind_same_port(ips, self._wanted[scheme])
            self.env.ports[scheme] = port
            for ip, sock in socks.items():
                self._add(Listener(scheme, ip, port, sock, self.env))
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._acceptor = threading.Thread(
            target=self._accept_loop, name="testweb-accept", daemon=True
        )
        self._acceptor.start()

    def listen_on(self, ip: str) -> None:
        """Also serve on ``ip`` (same ports); needed for site addresses outside the pool."""
        for scheme in ("http", "https"):
            with self._lock:
                if (scheme, ip) in self._listeners:
                    continue
            try:
                sock = _listen(ip, self.env.ports[scheme])
            except OSError as exc:
                raise OSError(f"cannot listen on {ip}:{self.env.ports[scheme]}: {exc}") from exc
            self._add(Listener(scheme, ip, self.env.ports[scheme], sock, self.env))

    def addresses(self) -> set[str]:
        with self._lock:
            return {ip for _, ip in self._listeners}

    def _add(self, listener: Listener) -> None:
        with self._lock:
            self._listeners[(listener.scheme, listener.ip)] = listener
        self._pending.put(listener)
        self._wake_w.send(b"\0")

    def _accept_loop(self) -> None:
        while not self.env.stop.is_set():
            while not self._pending.empty():
                listener = self._pending.get()
                self._selector.register(listener.sock, selectors.EVENT_READ, listener)
            for key, _ in self._selector.select(timeout=1.0):
                if key.data is None:
                    try:
                        self._wake_r.recv(4096)
                    except OSError:
                        pass
                    continue
                listener = key.data
                try:
                    conn, addr = listener.sock.accept()
                except OSError:
                    continue
                threading.Thread(
                    target=self._serve_connection,
                    args=(conn, addr, listener),
                    name=f"testweb-{listener.scheme}-{listener.ip}",
                    daemon=True,
                ).start()

    def _sni(
        self, sslobj: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: ssl.SSLContext
    ) -> int | None:
        """Pick (or mint) the certificate for the requested name, with its site's TLS fault.

        A site declared with ``https=False`` refuses the handshake (unrecognized_name).
        """
        self._tls_local.sni = name
        if not name:
            return None
        site = self.env.registry.site_for(name)
        if site is not None and not site.https:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        sslobj.context = self.ca.context_for(name, site.tls_fault if site else None)
        return None

    def _serve_connection(
        self, conn: socket.socket, addr: tuple[str, int], listener: Listener
    ) -> None:
        generation = self.env.log.generation
        with self._lock:
            self._conns.add(conn)
        sock: socket.socket = conn
        try:
            conn.setblocking(True)
            if listener.scheme == "https":
                tls = self._handshake(conn, listener, generation)
                if tls is None:
                    return
                sock = tls
                with self._lock:
                    self._conns.add(sock)
            SiteHandler(sock, addr, listener)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a dying client must never kill the server
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
                self._conns.discard(sock)
            for s in (sock, conn):
                try:
                    s.close()
                except OSError:
                    pass

    def _handshake(
        self, conn: socket.socket, listener: Listener, generation: int
    ) -> ssl.SSLSocket | None:
        self._tls_local.sni = None
        conn.settimeout(HANDSHAKE_TIMEOUT)
        log = self.env.log
        try:
            tls = self._tls_context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            failed = TlsHandshake(self._tls_local.sni, listener.ip, time.time(), False, str(exc))
            log.add_tls(failed, generation)
            return None
        log.add_tls(TlsHandshake(self._tls_local.sni, listener.ip, time.time(), True), generation)
        return tls

    def stop(self) -> None:
        """Stop accepting, close listeners and cut connections still open."""
        self.env.stop.set()
        try:
            self._wake_w.send(b"\0")
        except OSError:
            pass
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        with self._lock:
            listeners = list(self._listeners.values())
            conns = list(self._conns)
            self._listeners.clear()
        for listener in listeners:
            listener.sock.close()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()
