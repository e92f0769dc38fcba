"""Options shared by the commands that reach the network (audit, read, catalog audit, ci --live).

One definition per option, so ``--timeout`` means the same thing everywhere, and one place
that turns them into :class:`NetOptions` / :class:`CrawlOptions` with one-line input errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from rgpd_check.errors import InputError

if TYPE_CHECKING:
    from rgpd_check.collect.crawler import CrawlOptions
    from rgpd_check.collect.net import NetOptions

F = TypeVar("F", bound=Callable[..., Any])
ENV_PREFIX = "RGPD_CHECK_"


def option(
    *names: str, env: str | None = None, prefix: str = ENV_PREFIX, **kwargs: Any
) -> Callable[[F], F]:
    """A click option whose default can come from ``<prefix><NAME>`` (e.g. RGPD_CHECK_LANG)."""
    long_name = next(n for n in names if n.startswith("--")).split("/")[0][2:]
    envvar = env or prefix + long_name.upper().replace("-", "_")
    return click.option(*names, envvar=envvar, show_envvar=True, **kwargs)


def apply(func: F, decorators: list[Callable[[F], F]]) -> F:
    """Apply option decorators so they show in ``--help`` in the listed order."""
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def network_options(prefix: str = ENV_PREFIX, note: str = "") -> Callable[[F], F]:
    """--dns-server, --allow-private-addresses, --allow-address, --ca-bundle, --timeout,
    --max-bytes, --user-agent."""

    def decorate(func: F) -> F:
        return apply(func, [
            option("--dns-server", metavar="HOST[:PORT]", prefix=prefix,
                   help=f"{note}Serveur DNS à utiliser / DNS server to use."),
            option("--allow-private-addresses", is_flag=True, prefix=prefix,
                   help=f"{note}Autoriser les adresses privées et locales / allow private and"
                   " loopback addresses (169.254.169.254 always refused)."),
            option("--allow-address", "allow_address", multiple=True, metavar="CIDR", prefix=prefix,
                   help=f"{note}Autoriser cette plage d'adresses (répétable) / allow this range."),
            option("--ca-bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                   prefix=prefix,
                   help=f"{note}Autorité de certification en plus / extra trusted CA (PEM)."),
            option("--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True,
                   prefix=prefix,
                   help=f"{note}Délai de connexion et de lecture (s) / connect and read timeout."),
            option("--max-bytes", type=click.IntRange(1024), default=5 * 1024 * 1024,
                   show_default=True, prefix=prefix,
                   help=f"{note}Taille maximale d'une réponse / size cap per response (bytes)."),
            option("--user-agent", prefix=prefix,
                   help=f"{note}User-Agent envoyé / User-Agent to send."),
        ])  # fmt: skip

    return decorate


def crawl_options(prefix: str = ENV_PREFIX, note: str = "") -> Callable[[F], F]:
    """--max-pages, --delay, --time-budget (per tool)."""

    def decorate(func: F) -> F:
        return apply(func, [
            option("--max-pages", type=click.IntRange(1, 1000), default=30, show_default=True,
                   prefix=prefix, help=f"{note}Nombre maximal de pages / page budget."),
            option("--delay", type=click.FloatRange(0, 60), default=1.0, show_default=True,
                   prefix=prefix,
                   help=f"{note}Délai entre deux requêtes au même hôte (s) / per-host delay."),
            option("--time-budget", type=click.FloatRange(1, 86400), default=300.0,
                   show_default=True, prefix=prefix,
                   help=f"{note}Durée maximale d'un audit (s) / time budget of one audit."),
        ])  # fmt: skip

    return decorate


def reader_cache_options(func: F) -> F:
    """--reader-cache DIR (default: the user's cache folder) and --no-reader-cache."""
    return apply(func, [
        option("--reader-cache", type=click.Path(file_okay=False, path_type=Path),
               help="Dossier où garder la lecture des documents, réutilisée tant que le texte et"
               " le lecteur n'ont pas changé (défaut : $XDG_CACHE_HOME/rgpd-check/reader ou"
               " ~/.cache/rgpd-check/reader ; lectures inutilisées 30 jours effacées) / folder"
               " keeping document readings, reused while the text and the reader are unchanged"
               " (default: $XDG_CACHE_HOME/rgpd-check/reader or ~/.cache/rgpd-check/reader;"
               " readings unused for 30 days removed)."),
        option("--no-reader-cache", is_flag=True,
               help="Tout relire, sans cache / read every document again, no cache."),
    ])  # fmt: skip


def reader_cache_from(opts: dict[str, Any]) -> Path | None:
    """The reader cache folder to use (entries unused for 30 days pruned), or None."""
    from rgpd_check.analyze.documents.cache import ReaderCache, default_root

    if opts.get("no_reader_cache"):
        return None
    root: Path = opts.get("reader_cache") or default_root()
    ReaderCache(root).prune()
    return root


def net_options_from(opts: dict[str, Any]) -> NetOptions:
    """NetOptions from parsed options; a bad DNS server or CIDR is an input error (exit 2)."""
    from rgpd_check.collect.guard import parse_cidrs
    from rgpd_check.collect.net import DEFAULT_USER_AGENT, NetOptions
    from rgpd_check.collect.resolver import parse_server

    try:
        if opts.get("dns_server"):
            parse_server(opts["dns_server"])
        networks = tuple(parse_cidrs(opts.get("allow_address") or ()))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    timeout = float(opts.get("timeout") or 20.0)
    return NetOptions(
        user_agent=opts.get("user_agent") or DEFAULT_USER_AGENT,
        connect_timeout=timeout,
        read_timeout=timeout,
        response_timeout=max(timeout * 3, 30.0),
        max_bytes=int(opts.get("max_bytes") or 5 * 1024 * 1024),
        dns_server=opts.get("dns_server"),
        allow_private=bool(opts.get("allow_private_addresses")),
        allowed_networks=networks,
        ca_bundle=str(opts["ca_bundle"]) if opts.get("ca_bundle") else None,
    )


def crawl_options_from(opts: dict[str, Any]) -> CrawlOptions:
    from rgpd_check.collect.crawler import CrawlOptions

    return CrawlOptions(
        max_pages=opts["max_pages"], delay=opts["delay"], time_budget=opts["time_budget"]
    )


def browser_wanted(flag: bool | None, storage_state: Path | None = None) -> bool:
    """--browser/--no-browser, else on when a Chromium is found; a session needs one."""
    from rgpd_check.collect.browser.chromium import chromium_available

    wanted = chromium_available() if flag is None else flag
    if wanted and not chromium_available():
        raise InputError(
            "Chromium introuvable (/usr/bin/chromium ou RGPD_CHECK_CHROMIUM) / Chromium not found"
        )
    if storage_state is not None and not wanted:
        raise InputError("--storage-state demande le navigateur / needs the browser (--browser)")
    return wanted
