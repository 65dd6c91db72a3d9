"""The HTTP headers the site asks its host to send, above all a strict Content-Security-Policy.

One policy, written once here, reaches readers two ways: the ``_headers`` file
at the site root (Netlify and Cloudflare Pages send its headers with every
response) and a ``<meta http-equiv>`` in every page's head, for hosts that
cannot send headers (GitHub Pages). The tests and docs/security.md read the
same constants.

The pages carry no inline script: Material's inline bootstrap scripts are
served as files (theme/partials/javascripts/), so ``script-src`` needs no
``'unsafe-inline'``, no hash and no nonce, and stays valid when Material changes.
"""

from __future__ import annotations

from generator.core.settings import Settings
from generator.core.urls import EDITOR, EDITOR_BACKEND

CSP: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    # Search is plain JavaScript over static files: no WebAssembly, no eval.
    ("script-src", "'self'"),
    # The service worker (sw.js, generator/publish/offline.py), a file of the site's own;
    # no other worker, and no blob: or data: one.
    ("worker-src", "'self'"),
    # No <style> element and no style attribute anywhere; scripts style through
    # the CSSOM (element.style), which CSP does not restrict.
    ("style-src", "'self'"),
    # Material's stylesheet draws its small icons (navigation arrows, admonitions,
    # the copy button) as data: SVGs in CSS masks, which are images to CSP.
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    # The search runtime fetches the index files it needs from the site.
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    # The header search box submits (GET) to the site's own search page.
    ("form-action", "'self'"),
    # Browsers ignore this one in a <meta> policy: see META_IGNORED.
    ("frame-ancestors", "'none'"),
)
"""The Content-Security-Policy, directive by directive."""

META_IGNORED = frozenset({"frame-ancestors", "report-uri", "report-to", "sandbox"})
"""Directives browsers ignore in a ``<meta>`` policy, and complain about on the console."""


def csp(*, meta: bool = False) -> str:
    """The policy as a header value; with ``meta``, without what a ``<meta>`` cannot carry."""
    return "; ".join(f"{name} {value}" for name, value in CSP
                     if not (meta and name in META_IGNORED))


HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", csp()),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    # Nothing here uses these; a script that got in could not either. The copy
    # buttons' clipboard-write stays allowed.
    ("Permissions-Policy",
     "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
     "microphone=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
"""Every header sent with every response of the site."""


EDITOR_CSP: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    # Decap compiles its configuration's validators (ajv) with new Function().
    ("script-src", "'self' 'unsafe-eval'"),
    # Decap's components style themselves with <style> elements (emotion).
    ("style-src", "'self' 'unsafe-inline'"),
    # Previews of images picked from the disk, and the GitHub user's avatar.
    ("img-src", "'self' data: blob: https://avatars.githubusercontent.com"),
    ("font-src", "'self' data:"),
    # GitHub's API when signed in; decap-server on this machine with `dvk serve --cms`;
    # the images picked from the disk, which Decap reads back (blob:) to upload them.
    ("connect-src", f"'self' blob: https://api.github.com {EDITOR_BACKEND}"),
    ("frame-src", "'self' blob:"),
    ("worker-src", "'self' blob:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
"""The editor's Content-Security-Policy: what Decap needs, and nothing the pages get."""


def editor_csp(settings: Settings | None = None, *, meta: bool = False) -> str:
    """The editor's policy as a header value; with ``meta``, what a ``<meta>`` may carry.
    The site's sign-in server, when it has one, may be reached too."""
    auth = settings.editor_auth_url if settings is not None else ""
    origin = "/".join(auth.split("/")[:3]) if auth.startswith("https://") else ""
    return "; ".join(
        f"{name} {value} {origin}" if origin and name == "connect-src" else f"{name} {value}"
        for name, value in EDITOR_CSP if not (meta and name == "frame-ancestors"))


def headers_file(editor: Settings | None = None) -> str:
    """``_headers``: every header for every path (``/*``), in the Netlify format; the
    editor's folder swaps the policy for its own (Cloudflare Pages' ``!`` detaches the
    site's, which two policies would otherwise intersect: docs/security.md)."""
    lines = ["# Sent with every response by Netlify and Cloudflare Pages; see docs/security.md.",
             "/*"]
    lines += [f"  {name}: {value}" for name, value in HEADERS]
    if editor is not None:  # the site publishes the form-based editor
        lines += [f"/{EDITOR}*", "  ! Content-Security-Policy",
                  f"  Content-Security-Policy: {editor_csp(editor)}", "  X-Robots-Tag: noindex"]
    return "\n".join(lines) + "\n"
