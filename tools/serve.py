#!/usr/bin/env python3
"""Serves a folder on 127.0.0.1 for the aelab web app: static files with the right MIME type for
.wasm, revalidated on every use (Cache-Control: no-cache, with an ETag and Last-Modified, so a
rebuild shows at once and an unchanged file comes back as 304 Not Modified), the two cross-origin isolation headers (COOP/COEP)
that let the page load its threaded build (--no-isolation leaves them out: the single-thread build
then runs, as in an iframe on someone else's page), and .html/.js/.wasm/.aelab gzip-compressed
for clients that accept it, as a production server would send them. The data files are already
.gz and go out as they are (the page decompresses them itself)."""
import argparse
import functools
import gzip
import http.server
import io
import os
import sys
import threading

COMPRESSED_TYPES = (".html", ".js", ".wasm", ".aelab")


class GzipCache:
    """Each file compressed once, kept in memory until it changes on disk."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = {}  # path -> ((mtime_ns, size), compressed bytes)

    def get(self, path):
        st = os.stat(path)
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            entry = self.entries.get(path)
            if entry and entry[0] == key:
                return entry[1]
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=9, mtime=0)
        with self.lock:
            self.entries[path] = (key, body)
        return body


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".gz": "application/gzip", ".aelab": "application/octet-stream"}

    def send_head(self):
        path = self.translate_path(self.path)
        if self.path.split("?", 1)[0].endswith("/") and os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()  # folders and 404s as the standard handler answers them
        st = os.stat(path)
        compressible = path.endswith(COMPRESSED_TYPES)
        gz = compressible and "gzip" in self.headers.get("Accept-Encoding", "")
        # validators: a reload (Cache-Control: no-cache) asks again and gets 304 Not Modified
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}{"-gzip" if gz else ""}"'
        if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        try:
            body = io.BytesIO(self.server.gzip_cache.get(path)) if gz else open(path, "rb")
        except OSError:
            self.send_error(404, "File not found")
            return None
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body.getvalue()) if gz else st.st_size))
        if compressible:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        self.end_headers()
        return body

    def copyfile(self, source, outputfile):
        try:
            super().copyfile(source, outputfile)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser stopped reading (a page closed mid-download): nothing to report

    def end_headers(self):
        if self.server.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            super().log_message(fmt, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8631, help="0 picks a free port")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument("--no-isolation", action="store_true",
                        help="no COOP/COEP headers: the page is not cross-origin isolated and runs single-threaded")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.folder, "index.html")):
        sys.exit(f"serve.py: {args.folder}: no index.html (run ./build.sh web first)")
    handler = functools.partial(Handler, directory=args.folder)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as e:
        sys.exit(f"serve.py: cannot listen on 127.0.0.1:{args.port}: {e.strerror} (set AELAB_PORT to another port)")
    server.quiet = args.quiet
    server.isolated = not args.no_isolation
    server.gzip_cache = GzipCache()
    isolation = "cross-origin isolated" if server.isolated else "not cross-origin isolated"
    print(f"aelab is served at http://127.0.0.1:{server.server_address[1]}/  ({isolation}; Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
