"""HTTP/1.1 request handler: virtual hosting by ``Host`` and the per-route behaviours/faults."""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.testweb.bodies import FILLER, GzipBomb, repeated
from tests.testweb.model import Route, Site, as_route, charset_of
from tests.testweb.registry import Registry
from tests.testweb.reqlog import LoggedRequest, RequestLog

MAX_REQUEST_BODY = 10 * 1024 * 1024
ENDLESS_CHUNK = b"<p>endless / sans fin</p>\n" * 64


@dataclass
class ServeEnv:
    """What every handler needs; shared by all listeners of one TestWeb."""

    registry: Registry
    log: RequestLog
    stop: threading.Event
    ports: dict[str, int] = field(default_factory=dict)


@dataclass
class Listener:
    """One listening socket (scheme, address, port); passed to handlers as their ``server``."""

    scheme: str
    ip: str
    port: int
    sock: socket.socket
    env: ServeEnv


class _Abort(Exception):
    """The connection was cut on purpose or by the client: stop handling it."""


def host_from_header(value: str) -> str:
    """``Host`` header → bare lower-case name (port, brackets and root dot removed)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0].rstrip(".") if ":" in value else value.rstrip(".")


class SiteHandler(BaseHTTPRequestHandler):
    """Serves every site of the registry; one instance per connection (keep-alive loop)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30  # idle keep-alive connections and stuck writers give up after this
    server_version = "testweb/1.0"
    sys_version = ""
    server: Listener  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the request log is the record."""

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    # -- request side ------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0:
            return b""
        if length > MAX_REQUEST_BODY:
            self.close_connection = True
            return self.rfile.read(MAX_REQUEST_BODY)
        return self.rfile.read(length)

    def _dispatch(self) -> None:
        listener = self.server
        env = listener.env
        host = host_from_header(self.headers.get("Host", ""))
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        entry = LoggedRequest(
            scheme=listener.scheme,
            host=host,
            ip=listener.ip,
            port=listener.port,
            method=self.command,
            path=self.path,
            headers=headers,
            time=time.time(),
            client_addr=(str(self.client_address[0]), int(self.client_address[1])),
            body=self._read_body(),
        )
        with env.log.request(entry):
            try:
                self._serve(entry, env.registry.site_for(host))
            except _Abort:
                self.close_connection = True
            except (OSError, ValueError):
                # Client went away (broken pipe, reset, TLS EOF...) or socket already closed.
                self.close_connection = True

    def _serve(self, entry: LoggedRequest, site: Site | None) -> None:
        if site is None:
            self._simple(404, "Unknown host / hôte inconnu: " + entry.host)
            return
        scheme = self.server.scheme
        if scheme == "http" and not site.http:
            raise _Abort  # no HTTP service for this site: close without answering
        if scheme == "https" and not site.https:
            self._simple(421, "No HTTPS for this site / pas de HTTPS pour ce site")
            return
        if scheme == "http" and site.https_only_redirect:
            self._wait(site.latency)
            port = self.server.env.ports.get("https", 443)
            netloc = site.host if entry.host == "" else entry.host
            netloc += "" if port == 443 else f":{port}"
            self._send_route(Route(status=301, redirect=f"https://{netloc}{entry.path}"), site)
            return
        route = site.route_for(entry.path)
        if route is not None and route.dynamic is not None:
            route = as_route(route.dynamic(entry))
        self._wait(site.latency + (route.delay if route else 0.0))
        if route is None:
            self._simple(404, "Not found / introuvable: " + entry.path)
            return
        self._send_route(route, site)

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.server.env.stop.wait(seconds):
            raise _Abort

    # -- response side -----------------------------------------------------------------
    def _vars(self) -> dict[str, str]:
        ports = self.server.env.ports
        scheme = self.server.scheme
        return {
            "${HTTP_PORT}": str(ports.get("http", "")),
            "${HTTPS_PORT}": str(ports.get("https", "")),
            "${PORT}": str(ports.get(scheme, "")),
            "${HOST}": host_from_header(self.headers.get("Host", "")),
            "${SCHEME}": scheme,
        }

    def _subst(self, text: str) -> str:
        if "${" not in text:
            return text
        for key, value in self._vars().items():
            text = text.replace(key, value)
        return text

    def _body(self, route: Route) -> bytes:
        if isinstance(route.body, str) and route.body_file is None:
            return self._subst(route.body).encode(charset_of(route.content_type) or "utf-8")
        return route.body_bytes()

    def _simple(self, status: int, text: str) -> None:
        self._send_route(
            Route(status=status, body=text + "\n", content_type="text/plain; charset=utf-8"), None
        )

    def _start(self, route: Route, site: Site | None, extra: list[tuple[str, str]]) -> None:
        self.send_response(route.status)
        if route.redirect is not None:
            self.send_header("Location", self._subst(route.redirect))
        if route.content_type:
            self.send_header("Content-Type", route.content_type)
        for name, value in [*route.headers.items(), *extra]:
            self.send_header(name, self._subst(value))
        for cookie in route.set_cookies:
            self.send_header("Set-Cookie", self._subst(cookie))
        if site is not None and site.hsts and self.server.scheme == "https":
            self.send_header("Strict-Transport-Security", site.hsts)
        self.end_headers()

    def _send_route(self, route: Route, site: Site | None) -> None:
        fault = route.fault
        head = self.command == "HEAD"
        if fault == "drop":
            raise _Abort
        if fault is None:
            body = b"" if route.status in (204, 304) else self._body(route)
            self._start(route, site, [("Content-Length", str(len(body)))])
            if not head and body:
                self.wfile.write(body)
            return
        self.close_connection = True  # a faulty response never leaves a reusable connection
        if fault == "reset_mid_body":
            body = self._body(route) or FILLER * 2000
            self._start(route, site, [("Content-Length", str(len(body)))])
            if not head:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self._reset()
        elif fault == "endless":
            self._start(route, site, [("Transfer-Encoding", "chunked")])
            while not head and not self.server.env.stop.is_set():
                self.wfile.write(b"%x\r\n%s\r\n" % (len(ENDLESS_CHUNK), ENDLESS_CHUNK))
        elif fault == "drip":
            body = self._body(route) or FILLER
            self._start(route, site, [("Content-Length", str(len(body)))])
            for index in range(0 if head else len(body)):
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                self._wait(route.drip_interval)
        elif fault == "gzip_bomb":
            bomb = GzipBomb(route.bomb_size)
            extra = [("Content-Encoding", "gzip"), ("Content-Length", str(bomb.content_length))]
            self._start(route, site, extra)
            self._stream(bomb.chunks(), head)
        elif fault == "huge":
            self._start(route, site, [("Content-Length", str(route.huge_size))])
            self._stream(repeated(self._body(route) or FILLER, route.huge_size), head)

    def _stream(self, chunks: Any, head: bool) -> None:
        if head:
            return
        for chunk in chunks:
            if self.server.env.stop.is_set():
                raise _Abort
            self.wfile.write(chunk)

    def _reset(self) -> None:
        """Abort the TCP connection with an RST instead of a graceful FIN."""
        conn = self.connection
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.wfile.close()
        self.rfile.close()
        conn.close()
        raise _Abort
