"""Imports point one way: no package of `app` imports one on a layer above it.

The layers, top down, as STYLE.md draws them: the entry points; the workflow (routing, and what
a study's stability or amendment sets off); studies brought in over HTTP (uploads, DICOMweb);
the domains, each above the ones it builds on; the values they share; the database; the fixed
words and settings everything reads. Only the table registry may name every model.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"

# Top down: a package imports only from layers below its own; the entry points import anything.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "__main__",
            "cli",
            "cli_setup",
            "classification_commands",
            "api",
            "web",
            "jobs",
            "supervisor",
            "first_run",
            "label_export",
        }
    ),
    frozenset({"workflow"}),
    frozenset({"intake"}),
    frozenset({"dicomweb"}),
    frozenset({"routing"}),
    frozenset({"deliveries"}),
    frozenset({"hl7", "fhir"}),
    frozenset({"tasks"}),
    frozenset({"auth", "rules", "orders", "second_opinions"}),
    frozenset({"people"}),
    frozenset({"studies"}),
    frozenset({"audit"}),
    frozenset({"classification"}),
    frozenset({"storage"}),
    frozenset({"principal", "time_windows", "request_body", "row_ids", "ports"}),
    frozenset({"db"}),
    frozenset(
        {
            "vocabulary",
            "settings",
            "errors",
            "logging_config",
            "process_metrics",
            "startup",
            "stop_signals",
        }
    ),
)
REGISTRY = APP / "db" / "tables.py"


def _layer_of(package: str) -> int:
    for number, layer in enumerate(LAYERS):
        if package in layer:
            return number
    raise AssertionError(f"app.{package} is on no layer: add it to LAYERS")


def _imported_modules(path: Path) -> set[str]:
    """Every absolute module an import in the file names (`from app import x` names `app.x`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _imported_packages(path: Path) -> set[str]:
    return {name.split(".")[1] for name in _imported_modules(path) if name.startswith("app.")}


def _package_of(path: Path) -> str:
    relative = path.relative_to(APP)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


MODULES = sorted(p for p in APP.rglob("*.py") if p != REGISTRY and p.name != "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    own = _package_of(path)
    reaching_up = sorted(
        package
        for package in _imported_packages(path) - {own}
        if _layer_of(package) <= _layer_of(own) and _layer_of(own) != 0
    )
    assert reaching_up == [], f"app/{path.relative_to(APP)} imports a layer above it"


def test_the_domains_do_not_import_fastapi_or_pynetdicom() -> None:
    entry_points = LAYERS[0]
    offenders = [
        str(path.relative_to(APP))
        for path in MODULES
        if _package_of(path) not in entry_points
        and {"fastapi", "pynetdicom", "starlette"}
        & {n.split(".")[0] for n in _imported_modules(path)}
    ]
    assert offenders == []


def test_the_listener_reaches_no_higher_than_the_domains() -> None:
    """`dicom_listener` files what it receives; routing it is the worker's job."""
    workflow_and_above = set().union(*LAYERS[: LAYERS.index(frozenset({"tasks"}))])
    listener = APP.parent / "dicom_listener"
    offenders = {
        f"{path.name}: app.{package}"
        for path in listener.glob("*.py")
        for package in _imported_packages(path) & workflow_and_above
    }
    assert offenders == set()
