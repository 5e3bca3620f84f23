#!/usr/bin/env python3
"""Size budget: what a first visit downloads, read from the built page itself.

Page load (the budget): dist/index.html and everything it makes the browser fetch: its
stylesheets, scripts (boot.js), the module preload and the wasm preload, trunk's loader's glue and
wasm, the icon, and the web app manifest with the icons it names (a browser may fetch these to
offer installing the app). Their gzip -9 total must stay within BUDGET; the brotli (quality 11)
figure is printed beside it, since static hosts serve brotli where the browser accepts it.

After the app has started (printed, not budgeted): the service worker, registered on `load`, and
the files its install step downloads to precache this build (dist/sw.js's list): every file whose
name has no content hash (fetched fresh, even if the page already had it) and each hashed file
the page did not load (the single-file offline download, the data files). Hashed files the page
loaded come from the HTTP cache. The data files are listed there in any case: the knowledge
catalog (catalog-<hash>.txt), which the app requests first thing after it starts, and the
wizard's graph (network-<hash>.json), fetched when the browser is idle after start, or when the
wizard opens. The page load plus the catalog (what the first explanation needs) is printed too.

Compression: gzip level 9 with Python's zlib (the reference implementation; GNU `gzip -9` is
within 0.5 %), brotli quality 11 from tools/compress.mjs (Node's zlib, as the bench's server).
Exits non-zero above the budget or when a file the page names is missing.

Usage: python3 tools/size_budget.py [dist]
"""
import gzip, json, os, re, subprocess, sys
from html.parser import HTMLParser

BUDGET = 300 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
# public/sw.js's rule for what may come from the HTTP cache.
HASHED = re.compile(r"-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css|svg|json|txt)$")
# The data files, fetched by the app after it started (tools/postbuild.py step 5): the wizard's
# graph and the knowledge catalog.
GRAPH = re.compile(r"^network-[0-9a-f]{16}\.json$")
CATALOG = re.compile(r"^catalog-[0-9a-f]{16}\.txt$")

dist = sys.argv[1] if len(sys.argv) > 1 else "dist"


def fail(msg):
    print(f"size budget: {msg}", file=sys.stderr)
    sys.exit(2)


def local(ref):
    """A same-site reference as a dist/ file name, or None (data:, other sites, fragments)."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if not ref or re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I):
        return None
    ref = ref[2:] if ref.startswith("./") else ref.lstrip("/")
    return ref or "index.html"


class PageRefs(HTMLParser):
    """Collects what index.html makes the browser fetch, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs, self.manifest, self._script = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower().split()
            if "manifest" in rel:
                self.manifest = local(a["href"])
            if {"stylesheet", "icon", "modulepreload", "preload", "manifest"} & set(rel):
                self.refs.append(local(a["href"]))
        elif tag == "script":
            if a.get("src"):
                self.refs.append(local(a["src"]))
            else:
                self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            # Trunk's loader: `import … from './glue.js'` and the wasm it fetches.
            for ref in re.findall(r"""['"](\./[^'"]+\.(?:m?js|wasm))['"]""", "".join(self._script)):
                self.refs.append(local(ref))
            self._script = None


def uniq(names):
    seen, out = set(), []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def read_text(name):
    with open(os.path.join(dist, name), encoding="utf-8") as f:
        return f.read()


if not os.path.isfile(os.path.join(dist, "index.html")):
    fail(f"{dist}/index.html does not exist: run make dist first")
parser = PageRefs()
parser.feed(read_text("index.html"))
page = uniq(["index.html"] + parser.refs)
if parser.manifest:
    manifest = json.loads(read_text(parser.manifest))
    page = uniq(page + [local(i.get("src", "")) for i in manifest.get("icons", [])])

background = []
if os.path.isfile(os.path.join(dist, "sw.js")):
    sw = read_text("sw.js")
    m = re.search(r"const ASSETS = (\[.*?\]);", sw, re.S)
    if not m:
        fail("dist/sw.js has no precache list (did tools/postbuild.py run?)")
    precache = [local(a) for a in json.loads(m.group(1))]
    # Each entry is one request, even when two name the same file ("./" and "index.html").
    background = ["sw.js"] + [a for a in precache if not (HASHED.search(a) and a in page)]

graph = sorted(f for f in os.listdir(dist) if GRAPH.match(f))
if not graph:
    fail("dist/ has no wizard graph (network-<hash>.json): did tools/postbuild.py run?")
if any(g in page for g in graph):
    fail("the page loads the wizard's graph at once: it belongs after the app started")
background += [g for g in graph if g not in background]
catalog = sorted(f for f in os.listdir(dist) if CATALOG.match(f))
if len(catalog) != 1:
    fail("dist/ needs one catalog (catalog-<hash>.txt): did tools/postbuild.py run?")
if catalog[0] in page:
    fail("the page loads the catalog at once: the app fetches it after it started")
background += [c for c in catalog if c not in background]

missing = [n for n in set(page + background) if not os.path.isfile(os.path.join(dist, n))]
if missing:
    fail("the page names files that are not in dist/: " + ", ".join(sorted(missing)))

files = sorted(set(page + background))
out = subprocess.run(["node", os.path.join(HERE, "compress.mjs")] + files, cwd=dist,
                     check=True, capture_output=True, text=True).stdout
br = json.loads(out)
size = {}
for f in files:
    with open(os.path.join(dist, f), "rb") as fh:
        data = fh.read()
    size[f] = {"raw": len(data), "gzip": len(gzip.compress(data, 9)), "br": br[f]}


def kib(n):
    return f"{n / 1024:.1f} KiB"


def section(title, names):
    rows = [(n, size[n]) for n in names]
    total = {k: sum(r[k] for _, r in rows) for k in ("raw", "gzip", "br")}
    print(title)
    for n, r in rows:
        print(f"  {n:<{width}}  {r['raw']:>10,}  {r['gzip']:>10,}  {r['br']:>10,}")
    print(f"  {'total':<{width}}  {total['raw']:>10,}  {total['gzip']:>10,}  {total['br']:>10,}"
          f"   = {kib(total['gzip'])} gzip, {kib(total['br'])} brotli")
    return total


width = max(len(n) for n in files + ["total", "policy-0123456789abcdef_bg.wasm"])
print(f"  {'file (bytes)':<{width}}  {'raw':>10}  {'gzip -9':>10}  {'brotli 11':>10}")
first = section("Page load (first visit, until the app starts):", page)
if background:
    later = section("After the app started (service worker, its precache, the catalog, the wizard's graph; not budgeted):", background)
    print(f"First visit in all: {kib(first['gzip'] + later['gzip'])} gzip, {kib(first['br'] + later['br'])} brotli.")
    c = size[catalog[0]]
    print(f"Page load plus the catalog (requested first after start; what the first explanation needs): "
          f"{kib(first['gzip'] + c['gzip'])} gzip, {kib(first['br'] + c['br'])} brotli.")
# The policy reader: loaded only for pastes with a policy or manifest (printed, not budgeted).
lazy = sorted(f for f in os.listdir(dist) if re.fullmatch(r"policy-[0-9a-f]{16}(_bg)?\.(js|wasm)|policy-worker\.js", f))
if lazy:
    lazy_size = {}
    out = json.loads(subprocess.run(["node", os.path.join(HERE, "compress.mjs")] + lazy, cwd=dist,
                                    check=True, capture_output=True, text=True).stdout)
    for f in lazy:
        with open(os.path.join(dist, f), "rb") as fh:
            data = fh.read()
        lazy_size[f] = {"raw": len(data), "gzip": len(gzip.compress(data, 9)), "br": out[f]}
    size.update(lazy_size)
    section("Policy reader (loaded lazily, only for a paste with a policy or manifest; not budgeted):", lazy)
verdict = "within" if first["gzip"] <= BUDGET else "OVER"
print(f"Budget: page load {kib(first['gzip'])} gzip of {kib(BUDGET)} ({verdict}; "
      f"{kib(abs(BUDGET - first['gzip']))} {'left' if first['gzip'] <= BUDGET else 'too much'}); brotli {kib(first['br'])}.")
if first["gzip"] > BUDGET:
    print(f"SIZE BUDGET EXCEEDED by {kib(first['gzip'] - BUDGET)}", file=sys.stderr)
    sys.exit(1)
