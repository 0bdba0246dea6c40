"""The code keeps its shape: small modules, views of one screen, no role or state spelled as a literal.

(The layers and the absence of import cycles are checked by ``lint-imports``, which
``scripts/test.sh`` runs before pytest.)
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "notices", "applications", "review", "supervision")
#: Seed data is data, not logic.
EXEMPT = {"applications/seed.py"}

ROLES = ("applicant", "district", "expert", "staff", "admin", "evaluator", "registrar")
STATES = ("draft", "district_review", "formal_review", "expert_pending", "expert_review", "decision", "approved",
          "publicity", "filed", "returned", "not_recommended", "refused", "withdrawn")
STATUSES = ("invited", "accepted", "declined", "submitted", "pending", "upheld", "dismissed",
            "confirmed", "proposed", "responded")  # the last: supervision's lifecycles
#: A role, state or status compared with (or filtered by) a string literal.
WORDS = "|".join(ROLES + STATES + STATUSES)
LITERAL_COMPARISON = re.compile(
    r"""\b(role|state|status|finding)(__in)?\s*(==|!=|=|\bin\b)\s*[\[(]?\s*["'](""" + WORDS + r""")["']""")


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in EXEMPT:
                yield relative, path


def test_no_module_over_400_lines():
    long = {name: n for name, path in _modules() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_no_view_over_60_lines():
    long = {}
    for name, path in _modules():
        if "/views" not in name and not name.endswith("views.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                if node.end_lineno - first + 1 > 60:
                    long[f"{name}:{node.name}"] = node.end_lineno - first + 1
    assert not long, long


def test_no_role_or_state_compared_with_a_literal():
    found = []
    sources = list(_modules()) + [(p.relative_to(ROOT).as_posix(), p) for p in sorted((ROOT / "templates").rglob("*"))
                                  if p.is_file()]
    for name, path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LITERAL_COMPARISON.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
