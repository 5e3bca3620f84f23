"""Puts the wizard's graph beside the app: the JSON data file `network-<hash>.json` that
core/build.rs wrote into its OUT_DIR (checked there: unknown `next`, cycles, unreachable nodes …)
and that the wasm names, copied into the build's directory. The app fetches it when the wizard is
first needed (it is not part of the first download).

Run by trunk after each build (the post_build hook in Trunk.toml: `make dist` and `make watch`),
on trunk's staging directory and profile; tools/postbuild.py then checks it is in dist/ and
inlines it into the single file. By hand: python3 tools/wizard_data.py DIR [debug|release]
"""
import glob, json, os, re, subprocess, sys

NAME = re.compile(rb"network-[0-9a-f]{16}\.json")


def fail(msg):
    print(f"wizard data: {msg}", file=sys.stderr)
    sys.exit(1)


def fnv1a64(data):
    """core/build/wizard.rs `hashed_name`: the 64-bit FNV-1a hash of the file's bytes."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def named_by_wasm(directory):
    """The data file's name, read from the one app wasm in `directory`."""
    wasms = [f for f in os.listdir(directory) if re.fullmatch(r"aci-triage-[0-9a-f]+_bg\.wasm", f)]
    if len(wasms) != 1:
        fail(f"expected one aci-triage-<hash>_bg.wasm in {directory}, found {len(wasms)}")
    with open(os.path.join(directory, wasms[0]), "rb") as f:
        names = set(NAME.findall(f.read()))
    if len(names) != 1:
        fail(f"expected the wasm to name one wizard data file (network-<hash>.json), found {len(names)}")
    return names.pop().decode()


def check(path, name):
    """The file's text, after checking its name is its hash and it is JSON."""
    with open(path, "rb") as f:
        data = f.read()
    if name != f"network-{fnv1a64(data):016x}.json":
        fail(f"{path} does not match the hash in its name")
    text = data.decode("utf-8")
    json.loads(text)
    return text


def copy(directory, profile):
    name = named_by_wasm(directory)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                          check=True, capture_output=True, text=True).stdout
    target = json.loads(meta)["target_directory"]
    found = glob.glob(os.path.join(target, "wasm32-unknown-unknown", profile, "build",
                                   "aci-triage-core-*", "out", "wizard", name))
    if not found:
        fail(f"the wasm names {name}, but core/build.rs's OUT_DIR ({profile}) has no such file")
    text = check(found[0], name)
    with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
        f.write(text)
    return name


if __name__ == "__main__":
    directory = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR", "dist")
    profile = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("TRUNK_PROFILE", "release")
    print(f"wizard data: {copy(directory, profile)}")
