#!/usr/bin/env python3
"""Fails when a layer imports one above it (ARCHITECTURE.md, "Layers").

Two checks:
1. Crates: each Parlor crate may depend only on the crates below it.
2. Modules of chat-core: each top-level module sits on a layer; a `crate::`
   path (in a `use` or inline) may name its own layer or one below.
   Items re-exported at the crate root (`crate::Parlor`) count as the module
   that defines them.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Crates, bottom up: a crate may depend on the crates listed before it.
CRATES = {
    "parlor-protocol": [],
    "parlor-domain": ["parlor-protocol"],
    "chat-core": ["parlor-protocol", "parlor-domain"],
    "parlor-mail": ["parlor-protocol", "parlor-domain", "chat-core"],
    "app": ["parlor-protocol", "parlor-domain", "chat-core"],
    "widget": ["parlor-protocol"],
    "server": ["parlor-protocol", "parlor-domain", "chat-core", "parlor-mail", "app"],
    "parlor-bench": [],
}

# chat-core's layers, bottom up. A module not listed fails the check, so a
# new module must be given its place.
LAYERS = [
    ("foundation", ["clock", "metrics"]),
    ("storage", ["store"]),
    ("errors", ["error"]),
    ("events", ["events"]),
    ("fan-out", ["hub"]),
    ("bus", ["bus"]),
    (
        "services",
        [
            "parlor", "password", "alerts", "attachments", "auth", "canned", "channels", "chat_tickets",
            "conversations", "edits", "identity", "inbox", "names", "notes",
            "presence", "routing", "search", "setup", "teams", "tickets", "ticket_thread", "ticket_files", "mail_outbox", "mail_intake", "mail_settings", "help_forms", "transfer", "users",
            "visitor_context",
        ],
    ),
    ("sessions", ["session", "live", "inbox_live", "desk_live"]),
    ("crate root and test support", ["lib", "testing"]),
]


def crate_deps(manifest: pathlib.Path) -> tuple[str, set[str]]:
    """The package name and its Parlor dependencies (normal and build)."""
    text = manifest.read_text()
    name = re.search(r'^name\s*=\s*"([^"]+)"', text, re.M).group(1)
    deps: set[str] = set()
    section = None
    for line in text.splitlines():
        header = re.match(r"^\[(.+)\]\s*$", line)
        if header:
            section = header.group(1)
            continue
        if section in ("dependencies", "build-dependencies") or (
            section and section.startswith("target.") and section.endswith(".dependencies")
        ):
            dep = re.match(r"^([A-Za-z0-9_-]+)\s*[.=]", line)
            if dep and dep.group(1) in CRATES:
                deps.add(dep.group(1))
    return name, deps


def check_crates() -> list[str]:
    errors = []
    for manifest in sorted(ROOT.glob("*/Cargo.toml")):
        name, deps = crate_deps(manifest)
        if name not in CRATES:
            errors.append(f"{manifest.relative_to(ROOT)}: crate {name} has no place in CRATES")
            continue
        for dep in sorted(deps - set(CRATES[name])):
            errors.append(f"{manifest.relative_to(ROOT)}: {name} depends on {dep}, which is not below it")
    return errors


def strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"//[^\n]*", "", source)


def root_items(lib: pathlib.Path) -> dict[str, str]:
    """Items re-exported at chat-core's root, by the module defining them."""
    items = {}
    text = strip_comments(lib.read_text())
    for module, rest in re.findall(r"pub(?:\(crate\))?\s+use\s+(\w+)::([^;]+);", text):
        for item in re.findall(r"\b([A-Za-z_]\w*)\b", rest.replace("self", "")):
            items[item] = module
    for item in re.findall(r"^\s*pub(?:\(crate\))?\s+(?:struct|enum|fn|async fn|const|type|trait)\s+(\w+)", text, re.M):
        items[item] = "lib"
    return items


def named_paths(source: str) -> list[str]:
    """The first segment after `crate::` of every path, braces expanded."""
    names = []
    for group in re.findall(r"crate::\{([^;]*?)\}", source, re.S):
        names += re.findall(r"(?:^|,)\s*([A-Za-z_]\w*)", group)
    names += re.findall(r"crate::([A-Za-z_]\w*)", source)
    return names


def check_modules() -> list[str]:
    src = ROOT / "chat-core" / "src"
    layer_of = {}
    for index, (_, modules) in enumerate(LAYERS):
        for module in modules:
            layer_of[module] = index
    items = root_items(src / "lib.rs")
    errors = []
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src)
        module = rel.parts[0].removesuffix(".rs")
        if module not in layer_of:
            errors.append(f"chat-core/src/{rel}: module `{module}` has no layer in scripts/check-layers.py")
            continue
        own = layer_of[module]
        source = strip_comments(path.read_text())
        # Unit tests may reach anything.
        source = source.split("#[cfg(test)]")[0]
        for name in sorted(set(named_paths(source))):
            target = name if name in layer_of else items.get(name)
            if target is None or target == module:
                continue
            if target not in layer_of:
                errors.append(f"chat-core/src/{rel}: crate::{name} ({target}) has no layer")
            elif layer_of[target] > own:
                errors.append(
                    f"chat-core/src/{rel}: {LAYERS[own][0]} module `{module}` imports "
                    f"crate::{name} from `{target}`, on the {LAYERS[layer_of[target]][0]} layer above it"
                )
    return errors


def main() -> int:
    errors = check_crates() + check_modules()
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} upward import(s); see ARCHITECTURE.md, \"Layers\"", file=sys.stderr)
        return 1
    print("layers: every import points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
