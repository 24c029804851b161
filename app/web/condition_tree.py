"""The rule form's groups: all/any/not of conditions and time windows, nested to any depth.

Each node is posted as `tree.<path>.*` fields (`tree.0.1.kind`: the second node in the first
group), made into the DSL's JSON, and made back from it, so the form and the JSON view hold the
same condition. Every node also knows where in the JSON it sits, so an error lands on it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

GROUPS = ("all", "any", "not")
# Facts a group's condition may test (a time window is its own kind of node).
TREE_FACTS = (
    "modality", "region", "sequences_present", "sequences_absent", "categories_any",
    "categories_all", "keywords", "urgency", "source_ae", "institution", "weekday",
)  # fmt: skip
EDITS = ("add-fact", "add-window", "add-all", "add-any", "add-not", "remove")
_KIND_FIELD = re.compile(r"^tree\.(\d{1,3}(?:\.\d{1,3}){0,15})\.kind$")

Path = tuple[int, ...]
Location = tuple[str | int, ...]


@dataclass
class Node:
    """A group (`all`, `any`, `not`), a time window (`window`) or one fact's values (`fact`)."""

    kind: str
    fact: str = ""
    values: str = ""  # as typed: comma-separated
    start: str = ""
    end: str = ""
    children: list["Node"] = field(default_factory=list)


def nodes_from_fields(fields: dict[str, list[str]]) -> list[Node]:
    """The top-level nodes as posted; a node whose group was not posted is kept at the top."""
    found = (_KIND_FIELD.match(key) for key in fields)
    paths = sorted(tuple(int(part) for part in match[1].split(".")) for match in found if match)
    made: dict[Path, Node] = {}
    roots: list[Node] = []
    for path in paths:
        name = "tree." + ".".join(str(part) for part in path)

        def one(suffix: str, name: str = name) -> str:
            return (fields.get(f"{name}.{suffix}") or [""])[0].strip()

        node = Node(one("kind"), one("fact"), one("values"), one("start"), one("end"))
        parent = made.get(path[:-1])
        (parent.children if parent else roots).append(node)
        made[path] = node
    return roots


def condition_json(node: Node) -> dict[str, Any]:
    """The node as the DSL reads it; a `not` over several nodes negates all of them."""
    if node.kind in ("all", "any"):
        return {node.kind: [condition_json(child) for child in node.children]}
    if node.kind == "not":
        inner = [condition_json(child) for child in node.children]
        return {"not": inner[0] if len(inner) == 1 else {"all": inner}}
    if node.kind == "window":
        return {"time_between": {"start": _clock(node.start), "end": _clock(node.end)}}
    return {node.fact: [word.strip() for word in node.values.split(",") if word.strip()]}


def node_of(condition: dict[str, Any]) -> Node:
    """The node for a stored condition (one the DSL has validated)."""
    ((key, value),) = condition.items()
    if key in ("all", "any"):
        return Node(key, children=[node_of(child) for child in value])
    if key == "not":
        return Node("not", children=[node_of(value)])
    if key == "time_between":
        return Node("window", start=str(value["start"]), end=str(value["end"]))
    return Node("fact", fact=key, values=", ".join(str(item) for item in value))


def edited(roots: list[Node], edit: str) -> list[Node]:
    """The nodes after an edit such as `add-any:1` (a group in the second node) or `remove:0.2`."""
    verb, _, where = edit.partition(":")
    path = tuple(int(part) for part in where.split(".")) if where else ()
    siblings = roots
    for index in path[:-1] if verb == "remove" else path:
        if index >= len(siblings):
            return roots  # a stale page's button: nothing to do
        siblings = siblings[index].children
    if verb == "remove":
        if path and path[-1] < len(siblings):
            del siblings[path[-1]]
    elif verb == "add-fact":
        siblings.append(Node("fact", fact=TREE_FACTS[0]))
    elif verb == "add-window":
        siblings.append(Node("window", start="18:00", end="07:00"))
    else:
        siblings.append(Node(verb.removeprefix("add-")))
    return roots


def places(node: Node, location: Location, path: Path) -> Iterator[tuple[Location, str]]:
    """(where in the JSON the node and each node under it sit, the node's form field name)."""
    yield location, field_name(path)
    if node.kind in ("all", "any"):
        for index, child in enumerate(node.children):
            yield from places(child, (*location, node.kind, index), (*path, index))
    elif node.kind == "not":
        for index, child in enumerate(node.children):
            inner = ("not",) if len(node.children) == 1 else ("not", "all", index)
            yield from places(child, (*location, *inner), (*path, index))


def _clock(typed: str) -> str:
    """A clock time as the rules store it (`18:00` → `18:00:00`), so the JSON shows it the same."""
    return f"{typed}:00" if re.fullmatch(r"\d\d:\d\d", typed) else typed


def field_name(path: Path) -> str:
    return "tree." + ".".join(str(part) for part in path)
