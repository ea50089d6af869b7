"""The .pyi stubs name exactly what the package and the extension expose: every public name
and every public member of every class, both ways."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Dict, Set

import wazap
import wazap._native as native

PACKAGE = Path(wazap.__file__).parent


def stub_names(path: Path) -> Dict[str, Set[str]]:
    """Top-level public names of a stub file -> the public members of each class (empty set
    for non-classes)."""
    tree = ast.parse(path.read_text())
    names: Dict[str, Set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members: Set[str] = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            names[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = set()
    return {n: m for n, m in names.items() if not n.startswith("_") or n == "__version__"}


# Dunders that are part of the API (iteration, context managers); `__init__` is left out on
# both sides (dataclasses generate theirs, and the client's keywords are stubbed explicitly).
API_DUNDERS = {"__enter__", "__exit__", "__aenter__", "__aexit__", "__aiter__", "__anext__",
               "__iter__", "__next__"}


def public(name: str) -> bool:
    return not name.startswith("_") or name in API_DUNDERS


def runtime_members(cls: type) -> Set[str]:
    """Members a class defines itself (not inherited), plus its own dataclass fields."""
    own = {n for n in vars(cls) if public(n)}
    if dataclasses.is_dataclass(cls):
        own |= {f.name for f in dataclasses.fields(cls)}
        for base in cls.__mro__[1:]:
            if dataclasses.is_dataclass(base):
                own -= {f.name for f in dataclasses.fields(base)}
    # `type` is a ClassVar of each event class, declared once on Event in the stubs.
    if issubclass(cls, wazap.Event) and cls is not wazap.Event:
        own.discard("type")
    return own


def check(module: object, stub_file: Path, exported: Set[str]) -> None:
    stubs = stub_names(stub_file)
    assert set(stubs) == exported, (
        f"{stub_file.name}: missing {sorted(exported - set(stubs))}, "
        f"extra {sorted(set(stubs) - exported)}"
    )
    for name in exported:
        value = getattr(module, name)
        if isinstance(value, type):
            want = runtime_members(value)
            have = stubs[name] - {"__init__"}
            assert have == want, (
                f"{stub_file.name} {name}: missing {sorted(want - have)}, "
                f"extra {sorted(have - want)}"
            )


def test_package_stubs_match_the_package() -> None:
    check(wazap, PACKAGE / "__init__.pyi", set(wazap.__all__))


def test_extension_stubs_match_the_extension() -> None:
    exported = {n for n in dir(native) if not n.startswith("_") or n == "__version__"}
    stubs = stub_names(PACKAGE / "_native.pyi")
    assert set(stubs) == exported, (sorted(exported - set(stubs)), sorted(set(stubs) - exported))
    for name in exported:
        value = getattr(native, name)
        if isinstance(value, type):
            want = {n for n in dir(value) if not n.startswith("_")}
            have = stubs[name] - {"__init__"}
            assert have == want, (name, sorted(want - have), sorted(have - want))


def test_the_package_is_marked_typed() -> None:
    assert (PACKAGE / "py.typed").exists()


def test_the_event_names_of_on_are_the_event_types() -> None:
    """`_EventName` (what `client.on("...")` accepts in the stubs) lists every event type."""
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    names: Set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_EventName" for t in node.targets
        ):
            literal = node.value
            assert isinstance(literal, ast.Subscript) and isinstance(literal.slice, ast.Tuple)
            names = {e.value for e in literal.slice.elts if isinstance(e, ast.Constant)}
    assert names == set(wazap.EVENT_TYPES) | {"*"}
