"""Every public name of the package has its documentation (what pdoc renders,
scripts/docs.sh): each name of ``wazap.__all__``, and each public method and property of each
public class (dataclass fields are described in their class's docstring)."""

from __future__ import annotations

import dataclasses
import inspect
from typing import List

import wazap



def own_doc(obj: object) -> str:
    doc = getattr(obj, "__doc__", None) or ""
    # A dataclass without a docstring gets its signature as one: that documents nothing.
    if isinstance(obj, type) and dataclasses.is_dataclass(obj) and doc.startswith(obj.__name__ + "("):
        return ""
    return doc.strip()


def test_every_public_name_is_documented() -> None:
    missing: List[str] = []
    for name in wazap.__all__:
        value = getattr(wazap, name)
        if name == "__version__" or isinstance(value, (dict, str)):
            continue  # constants: documented by their `#:` comment in the module
        if not own_doc(value):
            missing.append(name)
        if isinstance(value, type):
            for member, attr in vars(value).items():
                # Dunders (iteration, context managers) are the protocols they implement.
                if member.startswith("_") or member in {f.name for f in _fields(value)}:
                    continue
                if isinstance(attr, (staticmethod, classmethod)):
                    attr = attr.__func__
                if inspect.isfunction(attr) or isinstance(attr, property) or callable(attr):
                    if not (getattr(attr, "__doc__", None) or "").strip():
                        missing.append(f"{name}.{member}")
    assert not missing, f"undocumented: {missing}"


def _fields(cls: type) -> List[dataclasses.Field]:  # type: ignore[type-arg]
    return list(dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else []
