#!/usr/bin/env python3
"""Size budget: everything a first visit downloads (html, js, wasm, css), gzip-compressed, must stay
within BUDGET. Prints the numbers every run; exits non-zero above the budget."""
import gzip, os, sys

BUDGET = 200 * 1024
dist = sys.argv[1] if len(sys.argv) > 1 else "dist"
rows, total = [], 0
for name in sorted(os.listdir(dist)):
    if not name.endswith((".html", ".js", ".wasm", ".css")) or name.startswith("aci-triage.html"):
        continue
    if name in ("sw.js",):  # fetched by the browser after the first paint, not part of the page
        continue
    data = open(os.path.join(dist, name), "rb").read()
    gz = len(gzip.compress(data, 9))
    rows.append((name, len(data), gz))
    total += gz
width = max(len(r[0]) for r in rows) if rows else 10
print(f"{'file':<{width}}  {'raw':>9}  {'gzip':>9}")
for name, raw, gz in rows:
    print(f"{name:<{width}}  {raw:>9,}  {gz:>9,}")
print(f"{'first visit total (gzip)':<{width}}  {'':>9}  {total:>9,}  = {total/1024:.1f} KiB of {BUDGET/1024:.0f} KiB budget")
if total > BUDGET:
    print(f"SIZE BUDGET EXCEEDED by {(total-BUDGET)/1024:.1f} KiB", file=sys.stderr)
    sys.exit(1)
