"""``python -m tests.testweb serve [SITES_YAML...]``: run the fictional web for demos."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from tests.testweb.loader import SITES_DIR
from tests.testweb.web import TestWeb


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.testweb",
        description="Sert des sites fictifs sur 127.0.0.x avec un DNS de test. "
        "/ Serve fictional sites on 127.0.0.x with a test DNS server.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="démarrer et attendre Ctrl-C / start and wait for Ctrl-C")
    serve.add_argument("sites", nargs="*", help=f"YAML files or folders (default: {SITES_DIR})")
    serve.add_argument("--http-port", type=int, default=0)
    serve.add_argument("--https-port", type=int, default=0)
    serve.add_argument("--dns-port", type=int, default=0)
    return parser


def serve(paths: list[str], http_port: int, https_port: int, dns_port: int) -> None:
    done = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    # Handlers first, so a Ctrl-C right after the banner still stops cleanly.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with TestWeb(http_port=http_port, https_port=https_port, dns_port=dns_port) as web:
        for path in paths or [str(SITES_DIR)]:
            web.load_sites(path)
        print(f"DNS server / serveur DNS : {web.dns_server} (UDP+TCP)")
        print(f"HTTP port : {web.http_port}   HTTPS port : {web.https_port}")
        print(f"CA bundle / AC de test : {web.ca_path}")
        print(f"Chromium SPKI pin : {web.spki_hash}")
        print("Sites:")
        for site in web.sites:
            urls = f"{web.url(site.host)}  {web.url(site.host, https=True)}"
            print(f"  {site.host:<28} {site.ip or '':<12} {urls}")
        print(f"Use / utiliser : --dns-server {web.dns_server} --ca-bundle {web.ca_path}")
        print("Ctrl-C to stop / pour arrêter", flush=True)
        while not done.wait(0.5):
            pass
    print("stopped / arrêté")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        serve(args.sites, args.http_port, args.https_port, args.dns_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
