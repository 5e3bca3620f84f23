"""After `trunk build --release`: makes dist/ deployable and offline-capable.

0. Keeps subresource integrity only where the browser checks it. Trunk puts `integrity` on every
   <link>, but Chromium ignores it on `rel=icon` and on a `preload` whose destination has no SRI
   (the wasm's `as=fetch`), and warns about the latter on every load. So the wasm's hash moves to
   the loader's own fetch of it (`fetch(url, { integrity })`: checked, and it still takes the
   preloaded response), and the links where it does nothing lose the attribute.
1. Computes the hash of trunk's one inline loader script and writes a strict
   Content-Security-Policy into index.html (as <meta>) and into the host header files
   (_headers, staticwebapp.config.json).
2. Writes the list of built assets and a build id into the service worker (sw.js), so it
   precaches exactly this build, and the same id into index.html (<meta name=aci-triage-build>),
   so the worker can tell when the server's page belongs to another build.
3. Builds dist/aci-triage.html: one self-contained file (wasm, JS and CSS inlined) that works
   when opened from disk on an air-gapped machine. The policy reader (a second module that a
   worker loads lazily, given hashed names here) is not inlined: from disk the app says that
   reading the pod's policy needs the hosted app.
4. Minifies wasm-bindgen's JS glue with terser (trunk's own minifier cannot parse it) and updates
   its subresource-integrity hash.
5. Checks the data files beside index.html: the wizard's graph `network-<hash>.json` and the
   knowledge catalog `catalog-<hash>.txt`, which core/build.rs wrote (checked there) and the wasm
   names, copied in by trunk's post_build hook (Trunk.toml, tools/data_files.py). The app fetches
   the catalog right after it starts and the graph when the wizard is first needed (neither is
   part of the first download); the service worker precaches both (step 2) and the single file
   (step 3) carries both inline, as `<script type="application/json" id="wizard-graph">` and
   `<script type="text/plain" id="catalog">`, which the app reads instead.

Usage: python3 tools/postbuild.py dist
"""
import base64, hashlib, json, os, re, shutil, subprocess, sys

dist = sys.argv[1] if len(sys.argv) > 1 else "dist"
SINGLE = "aci-triage.html"
ATTR = r"""(?:"[^"]*"|'[^']*'|[^\s>]+)"""


def read(name, mode="r"):
    with open(os.path.join(dist, name), mode) as f:
        return f.read()


def write(name, data, mode="w"):
    with open(os.path.join(dist, name), mode) as f:
        f.write(data)


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def sri384(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fail(msg):
    print(f"postbuild: {msg}", file=sys.stderr)
    sys.exit(1)


def loader_script(html):
    """Trunk's one inline module script, which imports the glue and starts the wasm."""
    found = re.findall(r"<script type=\"?module\"?>(.*?)</script>", html, re.S)
    if len(found) != 1:
        fail(f"expected exactly one inline script (trunk's loader), found {len(found)}")
    return found[0]


def integrity_where_checked(tag):
    """A <link> without its integrity attribute unless Chromium checks it there: stylesheets,
    module preloads, and preloads of scripts and styles."""
    attrs = {k.lower(): v.strip("\"'").lower() for k, v in re.findall(r"\s([a-zA-Z-]+)=(" + ATTR + ")", tag.group(0))}
    rel = attrs.get("rel", "").split()
    if "stylesheet" in rel or "modulepreload" in rel or ("preload" in rel and attrs.get("as") in ("script", "style")):
        return tag.group(0)
    return re.sub(r"\sintegrity=" + ATTR, "", tag.group(0))


html = read("index.html")
if "http-equiv=\"Content-Security-Policy\"" in html:
    fail("index.html already has a CSP; run this once per trunk build")

# --- 0. Integrity only where it is checked (first: the loader changes, and the CSP hashes it) ------
loader = loader_script(html)
wasm_ref = re.search(r"module_or_path: '\./(aci-triage-[0-9a-f]+_bg\.wasm)'", loader)
if not wasm_ref:
    fail("could not find the wasm in trunk's loader (module_or_path: './…_bg.wasm')")
wasm_file = wasm_ref.group(1)
checked_fetch = f"module_or_path: fetch('./{wasm_file}', {{ integrity: '{sri384(read(wasm_file, 'rb'))}' }})"
html = html.replace(loader, loader.replace(wasm_ref.group(0), checked_fetch), 1)
html = re.sub(r"<link\b[^>]*>", integrity_where_checked, html)
if any("integrity=" in t for t in re.findall(r"<link\b[^>]*>", html) if wasm_file in t or "rel=icon" in t):
    fail("a link where integrity is ignored still carries it")
inline = [loader_script(html)]

# --- 1. CSP -------------------------------------------------------------------------------------
if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"?module)[^>]*>", html):
    fail("an unexpected inline script is present")
if re.search(r"\sstyle=", html) or "<style" in html:
    fail("inline styles are not allowed (strict CSP)")

policy = {
    "default-src": ["'none'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'", sha256(inline[0])],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
csp_meta = "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())
# frame-ancestors only works as a header.
csp_header = csp_meta + "; frame-ancestors 'none'"

meta = f'<meta http-equiv="Content-Security-Policy" content="{csp_meta}">'
html, n = re.subn(r"(<meta charset=\"?utf-8\"?>)", r"\1" + meta, html, count=1, flags=re.I)
if n != 1:
    fail("could not find <meta charset> to put the CSP after")
write("index.html", html)
write("csp.txt", csp_header + "\n")

for name in ("_headers", "staticwebapp.config.json"):
    if os.path.exists(os.path.join(dist, name)):
        write(name, read(name).replace("__CSP__", csp_header))

# --- Minify the JS glue (the single file below keeps the original, whose names it calls) -----------
js_match = re.search(r"from '\./(aci-triage-[0-9a-f]+\.js)'", inline[0])
if not js_match:
    fail("could not find the JS glue's name in the loader")
glue_name = js_match.group(1)
glue_original = read(glue_name)
terser = shutil.which("terser")
if not terser:
    fail("terser is not on PATH (make installs it with the npm packages in tests/e2e)")
subprocess.run([terser, os.path.join(dist, glue_name), "--module", "--compress", "--mangle",
                "-o", os.path.join(dist, glue_name)], check=True)
# The boot and update scripts are small but on every first visit: minify them too.
for script in ("boot.js", "update.js"):
    subprocess.run([terser, os.path.join(dist, script), "--compress", "--mangle", "-o", os.path.join(dist, script)], check=True)
sri = sri384(read(glue_name, "rb"))
html, n = re.subn(r"(href=\./" + re.escape(glue_name) + r" integrity=)sha384-[A-Za-z0-9+/=]+", r"\g<1>" + sri, html)
if n != 1:
    fail("could not update the JS glue's integrity hash")
write("index.html", html)

# --- 5. The data files (before the service worker's list, which must name them) -----------------
# The trunk hook (Trunk.toml, tools/data_files.py) copied them in; checked again here.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data_files  # noqa: E402


def data_file(kind):
    name = data_files.named_by_wasm(dist, kind)
    if not os.path.isfile(os.path.join(dist, name)):
        fail(f"the wasm names {name}, which is not in {dist}/ (Trunk.toml's post_build hook copies it)")
    return name, data_files.check(os.path.join(dist, name), name)


graph_name, graph_json = data_file("wizard graph")
catalog_name, catalog_text = data_file("catalog")
# Inline in the single file as text/plain script data: only `</script` or `<!--` could end it early.
if re.search(r"</script|<!--", catalog_text, re.I):
    fail("the catalog's text holds `</script` or `<!--`, which cannot be inlined in the single file")

# --- The policy reader: a second module, loaded lazily by a worker ---------------------------------
# Trunk builds it as a worker (src/bin/policy.rs, no-modules target) under fixed names. Here its
# glue is minified and both files get content-hashed names (hosts may cache hashed files for a
# year), which are written into the worker script that loads them (public/policy-worker.js).
POLICY_JS, POLICY_WASM, POLICY_SHIM = "policy.js", "policy_bg.wasm", "policy-worker.js"
policy_files = None
present = [os.path.exists(os.path.join(dist, f)) for f in (POLICY_JS, POLICY_WASM, POLICY_SHIM)]
if any(present):
    if not all(present):
        fail("the policy reader is incomplete: need policy.js, policy_bg.wasm and policy-worker.js")
    subprocess.run([terser, os.path.join(dist, POLICY_JS), "--compress", "--mangle", "-o",
                    os.path.join(dist, POLICY_JS)], check=True)
    h = hashlib.sha256(read(POLICY_JS, "rb") + read(POLICY_WASM, "rb")).hexdigest()[:16]
    policy_files = (f"policy-{h}.js", f"policy-{h}_bg.wasm")
    os.replace(os.path.join(dist, POLICY_JS), os.path.join(dist, policy_files[0]))
    os.replace(os.path.join(dist, POLICY_WASM), os.path.join(dist, policy_files[1]))
    shim = read(POLICY_SHIM)
    if f'"./{POLICY_JS}"' not in shim or f'"./{POLICY_WASM}"' not in shim:
        fail("policy-worker.js does not name ./policy.js and ./policy_bg.wasm")
    shim = shim.replace(f'"./{POLICY_JS}"', f'"./{policy_files[0]}"').replace(f'"./{POLICY_WASM}"', f'"./{policy_files[1]}"')
    write(POLICY_SHIM, shim)
    subprocess.run([terser, os.path.join(dist, POLICY_SHIM), "--compress", "--mangle", "-o",
                    os.path.join(dist, POLICY_SHIM)], check=True)

# --- 2. Service worker ---------------------------------------------------------------------------
assets = sorted(
    f for f in os.listdir(dist)
    if os.path.isfile(os.path.join(dist, f))
    and f not in ("sw.js", SINGLE, "_headers", "staticwebapp.config.json", "csp.txt")
)
sw = read("sw.js")
if "__ASSETS__" not in sw or "__VERSION__" not in sw:
    fail("sw.js lacks the __ASSETS__/__VERSION__ placeholders")
# The build id covers every file of the build, the worker's own code too (index.html without the
# id, which is written in just below).
digest = hashlib.sha256()
for f in assets + ["sw.js"]:
    digest.update(f.encode())
    digest.update(read(f, "rb"))
version = digest.hexdigest()[:16]
html, n = re.subn(r"(<meta http-equiv=\"Content-Security-Policy\"[^>]*>)",
                  r'\1<meta name="aci-triage-build" content="' + version + '">', html, count=1)
if n != 1:
    fail("could not find the CSP <meta> to put the build id after")
write("index.html", html)
# The single file (built below from these same assets, so the version covers it) is precached
# too: "Download for offline use" must work offline.
sw = sw.replace("__ASSETS__", json.dumps(["./"] + assets + [SINGLE])).replace("__VERSION__", version)
write("sw.js", sw)

# --- 3. Single self-contained file -----------------------------------------------------------------
css_name = re.search(r"href=\"?\./(app-[0-9a-f]+\.css)", html)
js_name = re.search(r"from '\./(aci-triage-[0-9a-f]+\.js)'", inline[0])
wasm_name = re.search(r"'\./(aci-triage-[0-9a-f]+_bg\.wasm)'", inline[0])
if not (css_name and js_name and wasm_name):
    fail("could not find the css, js and wasm names in index.html")
css = read(css_name.group(1))
glue = glue_original
wasm_b64 = base64.b64encode(read(wasm_name.group(1), "rb")).decode()
boot = read("boot.js")
icon = base64.b64encode(read("icon.svg", "rb")).decode()

loader = (
    glue
    + "\nconst __bytes = Uint8Array.from(atob(\"" + wasm_b64 + "\"), (c) => c.charCodeAt(0));\n"
    + "await __wbg_init({ module_or_path: __bytes });\n"
)
single_policy = {
    "default-src": ["'none'"],
    "script-src": ["'wasm-unsafe-eval'", sha256(boot), sha256(loader)],
    "style-src": [sha256(css)],
    "img-src": ["data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
# Data, not code (never run, so no CSP hash): `<` escaped so the text can't end the element.
graph_inline = graph_json.replace("<", "\\u003c")
single_csp = "; ".join(f"{k} {' '.join(v)}" for k, v in single_policy.items())

body = html.split("<body>", 1)[1].split("</body>", 1)[0]
title = re.search(r"<title>.*?</title>", html, re.S).group(0)
description = re.search(r"<meta content=\"[^\"]*\" name=description>", html)
single = (
    "<!doctype html><html lang=en><head><meta charset=utf-8>"
    f'<meta http-equiv="Content-Security-Policy" content="{single_csp}">'
    '<meta content="width=device-width,initial-scale=1" name=viewport>'
    '<meta content="light dark" name=color-scheme><meta content=no-referrer name=referrer>'
    f"{title}{description.group(0) if description else ''}"
    f'<link rel=icon href="data:image/svg+xml;base64,{icon}">'
    f"<style>{css}</style>"
    f"<script>{boot}</script>"
    f'<script type="application/json" id="wizard-graph">{graph_inline}</script>'
    f'<script type="text/plain" id="catalog">{catalog_text}</script>'
    f"<script type=module>{loader}</script>"
    f"</head><body>{body}</body></html>"
)
write(SINGLE, single)

if policy_files:
    print(f"postbuild: policy reader {policy_files[0]} + {policy_files[1]} (lazy, via {POLICY_SHIM}; not in {SINGLE})")
print(f"postbuild: CSP {sha256(inline[0])} · service worker {version} ({len(assets) + 1} assets) · "
      f"{SINGLE} {len(single):,} bytes · wizard graph {graph_name} {len(graph_json.encode()):,} bytes · "
      f"catalog {catalog_name} {len(catalog_text.encode()):,} bytes")
