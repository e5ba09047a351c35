"""A tiny static file server that compresses text with gzip, as a static host does.

GitHub Pages (and most static hosts) send HTML, CSS, JavaScript, SVG, JSON
and XML gzip-compressed when the browser accepts it, and images as they are.
The benchmarks measure the built site through this server, on 127.0.0.1 only,
so the bytes that Lighthouse counts are the bytes a reader would download.

Run by hand: ``python benchmarks/serve.py _build/html --port 8000``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/x-ipynb+json",
)
GZIP_LEVEL = 6  # what nginx-style hosts use by default
HOST = "127.0.0.1"


def should_compress(content_type: str) -> bool:
    """Whether a static host would gzip a response of ``content_type``."""
    return content_type.startswith(COMPRESSED_TYPES)


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` reproducibly (no file name, no time stamp)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serve files, gzipped when the client accepts it and the type is text."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".mjs": "application/javascript",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".ipynb": "application/x-ipynb+json",
    }

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the base class redirects
        if not path.is_file():
            return super().send_head()  # 404 as usual
        content_type = self.guess_type(str(path))
        data = path.read_bytes()
        accepts = self.headers.get("Accept-Encoding", "")
        compress = "gzip" in accepts and should_compress(content_type)
        if compress:
            data = gzip_bytes(data)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages
        self.end_headers()
        return io.BytesIO(data)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the benchmarks print their own tables."""


@contextlib.contextmanager
def serving(root: Path, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 in a thread; yield the base URL (ends in /)."""
    handler = partial(Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder to serve (the built site)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with serving(args.root, args.port) as url:
        print(f"serving {args.root} at {url} (Ctrl+C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
