"""The engine is pure: its modules import only the standard library, quicktions and each other."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import kra_api.scoring.engine as engine

PACKAGE = Path(engine.__file__).parent
ENGINE_MODULES = ["aggregate", "anchors", "engine", "exact", "goals", "model", "values"]
# The C implementation of fractions.Fraction: arithmetic only, no I/O.
ALLOWED = {"quicktions"}


@pytest.mark.parametrize("name", ENGINE_MODULES)
def test_module_imports_only_the_standard_library(name: str) -> None:
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a sibling engine module
                assert node.module in ENGINE_MODULES, node.module
                continue
            roots = [(node.module or "").split(".")[0]]
        else:
            continue
        for root in roots:
            assert root in sys.stdlib_module_names | ALLOWED or root == "__future__", root


@pytest.mark.parametrize("name", ENGINE_MODULES)
def test_module_never_uses_float(name: str) -> None:
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    constants = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert "float" not in names
    assert not any(isinstance(c, float) for c in constants)
