"""Static files for slow venue links: read and compressed once at start-up, served under URLs that
carry a hash of the whole set, so a phone keeps them for good and asks again only after an update.

One hash for the set rather than one per file: the ES modules import each other by relative URL
("./live.js", "../../vendor/socket.io.esm.min.js"), so a module loaded from /v/<hash>/static/js/
finds its imports under the same /v/<hash>/ without an import map (which the pages' CSP, with no
inline script, could not carry).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request
from markupsafe import Markup, escape

from .house import house, of

PREFIX = "/v"
COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".html", ".txt", ".map"}
FOREVER = "public, max-age=31536000, immutable"
FILE_ENDPOINTS = {"asset", "static", "views.vendor"}
REVALIDATE = "no-cache"  # the unversioned addresses: kept, but checked with the server each time
_IMPORT = re.compile(r"""(?:^|[;\s])import\s*(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']""", re.MULTILINE)
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gz: bytes | None
    mimetype: str
    etag: str


class Assets:
    """Every file the pages load, by its path under the site ('static/css/app.css', 'vendor/...')."""

    def __init__(self, files: dict[str, Path]):
        self.files: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for name in sorted(files):
            body = files[name].read_bytes()
            digest.update(name.encode() + b"\0" + body + b"\0")
            suffix = Path(name).suffix
            gz = gzip.compress(body, compresslevel=9, mtime=0) if suffix in COMPRESSIBLE else None
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            etag = hashlib.sha256(body).hexdigest()[:16]
            self.files[name] = Asset(body, gz if gz and len(gz) < len(body) else None, mimetype, etag)
        self.version = digest.hexdigest()[:12]

    @classmethod
    def from_folders(cls, static: Path, vendor: dict[str, Path]) -> "Assets":
        """The static folder's files, and each vendor file (name -> its path) under vendor/."""
        files = {f"static/{p.relative_to(static).as_posix()}": p for p in sorted(static.rglob("*")) if p.is_file()}
        files |= {f"vendor/{name}": path for name, path in vendor.items() if path.is_file()}
        return cls(files)

    def url(self, name: str) -> str:
        return f"{PREFIX}/{self.version}/{name}"

    def response(self, name: str, cache: str) -> Response:
        """The file, gzipped when the browser takes it; 304 when the browser already holds it."""
        asset = self.files.get(name)
        if asset is None:
            abort(404)
        gzipped = asset.gz is not None and request.accept_encodings["gzip"] > 0
        etag = asset.etag + ("-gz" if gzipped else "")
        headers = {"Cache-Control": cache, "ETag": f'"{etag}"'}
        if asset.gz is not None:
            headers["Vary"] = "Accept-Encoding"
        if etag in request.if_none_match:
            return Response(status=304, headers=headers)
        body = asset.gz if gzipped else asset.body
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        return Response(body, mimetype=asset.mimetype, headers=headers)

    def imports(self, name: str) -> list[str]:
        """The modules a module needs, all the way down, in the order found (for modulepreload)."""
        found: list[str] = []
        todo = [name]
        while todo:
            current = todo.pop(0)
            asset = self.files.get(current)
            if asset is None or not current.endswith(".js"):
                continue
            for spec in _IMPORT.findall(asset.body.decode("utf-8", "replace")):
                target = _resolve(current, spec)
                if target and target in self.files and target not in found and target != name:
                    found.append(target)
                    todo.append(target)
        return found


def _resolve(base: str, spec: str) -> str | None:
    if spec.startswith("/"):
        return spec.lstrip("/")
    if spec.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), spec))
    return None  # a bare name: not ours to serve


def init_app(app: Flask, vendor: dict[str, Path]) -> Assets:
    """Serve /v/<version>/..., keep /static/... (revalidated), and make url_for('static') versioned."""
    assets = Assets.from_folders(Path(app.static_folder), vendor)
    of(app).assets = assets

    def versioned(version: str, name: str):
        # A page from before an update may ask for the old version: give it today's file, uncached.
        return assets.response(name, FOREVER if version == assets.version else REVALIDATE)

    def static(filename: str):
        return assets.response(f"static/{filename}", REVALIDATE)

    app.add_url_rule(f"{PREFIX}/<version>/<path:name>", "asset", versioned)
    app.view_functions["static"] = static
    plain_url_for = app.jinja_env.globals["url_for"]

    def url_for_versioned(endpoint: str, **values) -> str:
        if endpoint == "static" and not values.get("_external") and f"static/{values.get('filename')}" in assets.files:
            return assets.url(f"static/{values['filename']}")
        return plain_url_for(endpoint, **values)

    def module_preloads(filename: str) -> Markup:
        """<link rel=modulepreload> for a page's module and all it imports: fetched at once, not one
        round trip per level of imports."""
        names = [f"static/{filename}"] + assets.imports(f"static/{filename}")
        return Markup("\n".join(f'<link rel="modulepreload" href="{escape(assets.url(n))}">' for n in names))

    app.jinja_env.globals.update(url_for=url_for_versioned, module_preloads=module_preloads)
    _keep_cookies_off_files(app)
    return assets


def _keep_cookies_off_files(app: Flask) -> None:
    """A file response neither refreshes the session cookie nor varies with it: a cookie refreshed
    on every response would change before the next request and spoil every cached copy."""
    base = type(app.session_interface)

    class FilesCarryNoSession(base):
        def save_session(self, app, session, response):
            if request.endpoint in FILE_ENDPOINTS:
                return None
            return super().save_session(app, session, response)

    app.session_interface = FilesCarryNoSession()


def vendor_response(name: str) -> Response:
    """A vendor file at its plain address (/vendor/<name>), revalidated each time."""
    return house().assets.response(f"vendor/{name}", REVALIDATE)

