"""docs/lifecycle.md is generated from the table and kept current (`--check` in lint)."""

import os
import subprocess
import sys

from orderflow.orders import docs
from orderflow.orders.domain.lifecycle import ACTIONS, TRANSITIONS, mermaid_diagram


def test_every_transition_has_a_row():
    text = docs.render()
    rows = [ln for ln in text.splitlines() if ln.startswith("| `") and " | P" in ln]
    assert [r.split("`")[1] for r in rows] == [t.action for t in TRANSITIONS]
    cancel = next(r for r in rows if r.startswith("| `cancel` |"))
    assert cancel == ("| `cancel` | `draft`, `awaiting_customer`, `checked`, `review_failed`, "
                      "`approval_rejected` | `cancelled` | the order's salesperson (or the "
                      "Sales head) | P3.3.3 | yes |")
    check = next(r for r in rows if r.startswith("| `check` |"))
    assert "| `checked` / `awaiting_customer` / `escalated` |" in check
    assert "| *previous state* |" in next(r for r in rows if "`approve_change`" in r)
    assert len(ACTIONS) == len(rows)


def test_the_diagram_is_the_table_s():
    text = docs.render()
    assert f"```mermaid\n{mermaid_diagram()}```\n" in text


def test_check_fails_when_stale_and_passes_after_writing(tmp_path, capsys):
    target = tmp_path / "lifecycle.md"
    assert docs.main(["--check", "--output", str(target)]) == 1  # missing
    assert docs.main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == docs.render()
    assert docs.main(["--check", "--output", str(target)]) == 0
    target.write_text(docs.render().replace("P2.3.2", "P2.3.9"), encoding="utf-8")
    assert docs.main(["--check", "--output", str(target)]) == 1
    assert "is out of date" in capsys.readouterr().err


def test_the_committed_document_is_current():
    assert docs.DEFAULT_PATH.read_text(encoding="utf-8") == docs.render()


def test_runs_without_django(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = ("import sys, orderflow.orders.docs as d; "
            "sys.exit(d.main(['--output', sys.argv[1]]) or ('django' in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out.md")],  # noqa: S603
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == docs.render()
