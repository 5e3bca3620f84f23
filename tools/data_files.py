"""Puts the app's data files beside it: the wizard's graph (`network-<hash>.json`) and the
knowledge catalog (`catalog-<hash>.txt`), which core/build.rs wrote into its OUT_DIR (checked
there) and which the wasm names, copied into the build's directory. The app fetches the catalog
right after it starts and the graph when the wizard is first needed; neither is part of the
first download.

Run by trunk after each build (the post_build hook in Trunk.toml: `make dist` and `make watch`),
on trunk's staging directory and profile; tools/postbuild.py then checks them in dist/, lists
them for the service worker and inlines them into the single file.
By hand: python3 tools/data_files.py DIR [debug|release]
"""
import glob, json, os, re, subprocess, sys

# (kind, file-name pattern, OUT_DIR subdirectory)
KINDS = {
    "wizard graph": (rb"network-[0-9a-f]{16}\.json", "wizard"),
    "catalog": (rb"catalog-[0-9a-f]{16}\.txt", "catalog"),
}
CATALOG_HEADER = "aci-triage catalog 1\n"


def fail(msg):
    print(f"data files: {msg}", file=sys.stderr)
    sys.exit(1)


def fnv1a64(data):
    """core/build/wizard.rs `hashed_file_name`: the 64-bit FNV-1a hash of the file's bytes."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def named_by_wasm(directory, kind):
    """The data file's name, read from the one app wasm in `directory`."""
    wasms = [f for f in os.listdir(directory) if re.fullmatch(r"aci-triage-[0-9a-f]+_bg\.wasm", f)]
    if len(wasms) != 1:
        fail(f"expected one aci-triage-<hash>_bg.wasm in {directory}, found {len(wasms)}")
    with open(os.path.join(directory, wasms[0]), "rb") as f:
        names = set(re.findall(KINDS[kind][0], f.read()))
    if len(names) != 1:
        fail(f"expected the wasm to name one {kind} data file, found {len(names)}")
    return names.pop().decode()


def check(path, name):
    """The file's text, after checking its name is its hash and its content has its shape."""
    with open(path, "rb") as f:
        data = f.read()
    stem, ext = name.split("-")[0], name.rsplit(".", 1)[1]
    if name != f"{stem}-{fnv1a64(data):016x}.{ext}":
        fail(f"{path} does not match the hash in its name")
    text = data.decode("utf-8")
    if ext == "json":
        json.loads(text)
    elif not text.startswith(CATALOG_HEADER) or text.count("\x1a") != 3:
        fail(f"{path} is not a catalog (header line, four tables)")
    return text


def copy(directory, profile):
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                          check=True, capture_output=True, text=True).stdout
    target = json.loads(meta)["target_directory"]
    copied = []
    for kind, (_, sub) in KINDS.items():
        name = named_by_wasm(directory, kind)
        found = glob.glob(os.path.join(target, "wasm32-unknown-unknown", profile, "build",
                                       "aci-triage-core-*", "out", sub, name))
        if not found:
            fail(f"the wasm names {name}, but core/build.rs's OUT_DIR ({profile}) has no such file")
        text = check(found[0], name)
        with open(os.path.join(directory, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        copied.append(name)
    return copied


if __name__ == "__main__":
    directory = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR", "dist")
    profile = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("TRUNK_PROFILE", "release")
    print(f"data files: {', '.join(copy(directory, profile))}")
