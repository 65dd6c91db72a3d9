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

CSP: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    # Search is plain JavaScript over static files: no WebAssembly, no eval.
    ("script-src", "'self'"),
    ("worker-src", "'none'"),
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

"""Where Netlify and Cloudflare Pages look for headers, at the root of the published folder."""


def headers_file() -> str:
    """``_headers``: every header for every path (``/*``), in the Netlify format."""
    lines = ["# Sent with every response by Netlify and Cloudflare Pages; see docs/security.md.",
             "/*"]
    lines += [f"  {name}: {value}" for name, value in HEADERS]
    return "\n".join(lines) + "\n"
