"""Simplified Chinese first (the company's working language), English second.

The catalogue must be complete (no untranslated or fuzzy entries) and compiled; key texts
use the policy's own words (业务订单流程管理制度): 初步审核, 特殊要求, 公司管理层, 档案管理部.
"""

import gettext
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from orderflow.accounts.domain.organisation import DEPT_NAMES_ZH, Dept, Role
from orderflow.accounts.labels import DEPT_LABELS, ROLE_LABELS
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.core.validation import Errors
from orderflow.intake.messages import explain, severity_label
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.labels import ACTION_LABELS, STATE_LABELS

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO, MO = LC_MESSAGES / "django.po", LC_MESSAGES / "django.mo"
COMPILE = "`.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules`"


def _checker():
    """scripts/check-translations.py, for its .po parser (one parser, no polib)."""
    path = Path(settings.BASE_DIR) / "scripts" / "check-translations.py"
    spec = importlib.util.spec_from_file_location("check_translations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    """The .mo (not committed; `make setup` builds it) says what the .po says."""
    assert MO.exists(), f"{MO} is missing: run {COMPILE}"
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [e["id"] for e in _checker().parse_po(PO.read_text("utf-8"))
             if e["id"] and e["strs"].get(0) and _compiled_text(compiled, e) != e["strs"][0]]
    assert not stale, f"{MO} is out of date ({len(stale)} entries): run {COMPILE}"


def _compiled_text(compiled, entry) -> str:
    if entry["plural"] is not None:
        return compiled.ngettext(entry["id"], entry["plural"], 1)
    if entry["ctx"] is not None:
        return compiled.pgettext(entry["ctx"], entry["id"])
    return compiled.gettext(entry["id"])


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry_and_keeps_placeholders():
    # Given the committed catalogue
    checker = _checker()
    entries = checker.parse_po(PO.read_text("utf-8"))

    # Then it holds real entries and no problem (nothing missing from sources: fresh=[])
    assert len(entries) > 600
    assert checker.problems(entries, fresh=[]) == []


def test_the_checker_reports_untranslated_fuzzy_missing_and_broken_placeholders():
    # Given a catalogue with one entry of each kind of problem
    checker = _checker()
    po = ('msgid ""\nmsgstr "Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
          'msgid "Draft"\nmsgstr ""\n\n'
          '#, fuzzy\nmsgid "Order"\nmsgstr "订单"\n\n'
          '#, python-format\nmsgid "Page %(number)s"\nmsgstr "第 %(num)s 页"\n\n'
          'msgctxt "department"\nmsgid "Archive"\nmsgstr "档案管理部"\n')
    fresh = checker.parse_po('msgid "Checked"\nmsgstr ""\n\n'
                             'msgctxt "department"\nmsgid "Archive"\nmsgstr ""\n')

    # When it is checked against the sources' strings
    found = checker.problems(checker.parse_po(po), fresh)

    # Then each problem is listed, and the translated entry with a context is not
    assert found == [
        "missing from the .po: 'Checked'",
        "untranslated: 'Draft'",
        "fuzzy: 'Order'",
        "placeholders differ: 'Page %(number)s' -> '第 %(num)s 页'",
    ]


def test_state_and_action_labels_speak_chinese():
    with translation.override("zh-hans"):
        assert [str(STATE_LABELS[s]) for s in (
            State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
            State.RELEASED, State.ARCHIVED)] == [
            "草稿", "待客户确认", "已上报管理层", "已检查", "已下达", "已归档"]
        assert str(ACTION_LABELS["check"]) == "执行初步审核"
        assert str(ACTION_LABELS["release"]) == "下达"
    with translation.override("en"):
        assert str(STATE_LABELS[State.CHECKED]) == "Checked"


def test_department_and_role_labels_use_the_policy_names():
    with translation.override("zh-hans"):
        # the UI label of every department is its name in the policy
        assert {d: str(DEPT_LABELS[d]) for d in Dept} == DEPT_NAMES_ZH
        assert str(DEPT_LABELS[Dept.ARCHIVE]) == "档案管理部"
        # "Archive" the department is not "Archive" the order action (message context)
        assert str(ACTION_LABELS["archive"]) == "归档"
        assert [str(ROLE_LABELS[r]) for r in (
            Role.DEPT_HEAD, Role.DIVISION_LEADER, Role.GENERAL_MANAGER)] == [
            "部门负责人", "分管领导", "总经理"]
    with translation.override("en"):
        assert (str(DEPT_LABELS[Dept.ARCHIVE]), str(ACTION_LABELS["archive"])) == (
            "Archive", "Archive")


def test_error_messages_speak_chinese():
    with translation.override("zh-hans"):
        errors = Errors()
        errors.text("delivery_place", "", required=True)
        errors.decimal("lines.0.quantity", "-1", positive=True)
        with pytest.raises(ValidationFailed) as failed:
            errors.raise_if_any()
        assert failed.value.errors == {"delivery_place": ["此项为必填项。"],
                                       "lines.0.quantity": ["必须大于零。"]}
        assert str(failed.value.message) == "请更正以下错误。"
        assert str(NotPermitted().message) == "您无权执行此操作。"


def test_check_findings_are_explained_in_chinese_with_their_parameters():
    # Given findings of the preliminary check (P2.3.1) as stored: a code and parameters
    over_limit = {"code": "credit_limit_exceeded", "severity": "risk", "params": {
        "rating": "B", "limit": "500000", "outstanding": "420000.5", "order": "150000",
        "exposure": "570000.5", "over": "70000.5"}}
    too_tight = {"code": "delivery_too_tight", "severity": "risk", "params": {
        "delivery": "2026-03-01", "product": "HP-200", "days": 45, "earliest": "2026-03-20"}}
    missing = {"code": "field_missing", "severity": "missing",
               "params": {"field": "delivery_place"}}

    # When they are explained in Chinese
    with translation.override("zh-hans"):
        texts = [explain(f) for f in (over_limit, too_tight, missing)]
        severity = severity_label("risk")

    # Then the text is Chinese, amounts with thousands separators, parameters in place
    assert texts == [
        "超出信用额度 500,000.00：应收账款余额 420,000.50 + 本订单 150,000.00 = "
        "570,000.50，超出 70,000.50。",
        "交货日期 2026-03-01 过于紧迫：HP-200 需要 45 天，最早可交货日期为 2026-03-20。",
        "缺少交货地点：请与客户沟通补充。",
    ]
    assert severity == "风险"
    with translation.override("en"):
        assert explain(missing) == "delivery place is missing: ask the customer."
