"""Finding Debian's Chromium and preparing a fresh profile for one audit.

Never ``playwright install``: the browser is the system package (or ``RGPD_CHECK_CHROMIUM``),
so an audit downloads nothing. The profile is written before launch because Chromium blocks
third-party cookies by default; the preference below is the one a user changes in settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

CHROMIUM_ENV = "RGPD_CHECK_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Which cookie policy the browser ran with: findings say which one their evidence relies on.
THIRD_PARTY_ALLOWED = "third_party_cookies_allowed"
THIRD_PARTY_BLOCKED = "third_party_cookies_blocked"

# Chromium's CookieControlsMode: 0 = allow third-party cookies, 1 = block them.
_COOKIE_CONTROLS = {THIRD_PARTY_ALLOWED: 0, THIRD_PARTY_BLOCKED: 1}

# A headless Chromium that talks to nothing of its own accord (the PDF printer uses these too).
QUIET_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
LAUNCH_ARGS = (
    *QUIET_ARGS,
    # The browser resolves nothing itself: every request is relayed through our network
    # component, so anything that escapes interception fails instead of leaking.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # One renderer for all frames, so the page's DevTools session also sees iframe requests.
    "--disable-site-isolation-trials",
)
# No flag for memory: Playwright already passes --disable-extensions, -background-networking,
# -component-update, -sync, --no-first-run. Measured on Chromium 156 (tree ≈ 500 MB PSS, a
# quarter of it Playwright's driver): --in-process-gpu and --no-zygote save no PSS;
# --renderer-process-limit=1 changes nothing here (the other renderer is the browser's own
# omnibox page); any --disable-features would replace Playwright's list, which includes
# ThirdPartyStoragePartitioning, and so change what pages see.


def find_chromium(env: Mapping[str, str] | None = None) -> str | None:
    """``RGPD_CHECK_CHROMIUM`` if set, else ``/usr/bin/chromium``; None when not executable."""
    env = os.environ if env is None else env
    configured = env.get(CHROMIUM_ENV, "").strip()
    candidate = configured or DEFAULT_CHROMIUM
    path = Path(candidate)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


def chromium_available(env: Mapping[str, str] | None = None) -> bool:
    """Whether browser mode can be on by default."""
    return find_chromium(env) is not None


def write_profile(user_data_dir: Path, mode: str) -> Path:
    """A fresh profile whose only setting is the third-party cookie policy of ``mode``."""
    if mode not in _COOKIE_CONTROLS:
        raise ValueError(f"unknown browser mode {mode!r}")
    default = user_data_dir / "Default"
    default.mkdir(parents=True, exist_ok=True)
    preferences = {"profile": {"cookie_controls_mode": _COOKIE_CONTROLS[mode]}}
    (default / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")
    return user_data_dir
