#!/usr/bin/env python
"""Check that the Simplified Chinese catalogue is complete; exit 1 (with a list) if not.

1. Every msgid that `makemessages` finds in the sources is in the committed .po.
2. Every entry of the committed .po is translated and not fuzzy.
3. Translations keep the python-format placeholders of their msgid (%(name)s, %%).
4. The header keeps the plural rule for Chinese (nplurals=1).

Extraction runs on a temporary copy of the sources with a temporary LOCALE path: the
committed .po is only read. Needs the venv and GNU gettext (xgettext, msgmerge).
Usage: .venv/bin/python scripts/check-translations.py
"""

import ast
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
COMMITTED = ROOT / "orderflow" / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
# Same exclusions as the documented makemessages command (plus what makemessages skips
# by itself: hidden directories, collected static files, locale directories).
IGNORED_DIRS = {".venv", "node_modules", "bench", "data", "staticfiles", "locale",
                "__pycache__"}
EXTENSIONS = {".py", ".html", ".txt"}
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*\d*(?:\.\d+)?[sdifeEgGxXorca%]")


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: ctx, id, plural, strs (list), flags (set). Skips obsolete ones."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        entry = {"ctx": None, "id": None, "plural": None, "strs": {}, "flags": set()}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, field, ast.literal_eval(line))
            else:
                keyword, _, value = line.partition(" ")
                field = keyword
                _append(entry, field, ast.literal_eval(value), start=True)
        if entry["id"] is not None:
            entries.append(entry)
    return entries


def _append(entry: dict, field: str | None, value: str, start: bool = False) -> None:
    if field == "msgctxt":
        entry["ctx"] = value if start else entry["ctx"] + value
    elif field == "msgid":
        entry["id"] = value if start else entry["id"] + value
    elif field == "msgid_plural":
        entry["plural"] = value if start else entry["plural"] + value
    elif field and field.startswith("msgstr"):
        index = int(field[7:-1]) if field.startswith("msgstr[") else 0
        entry["strs"][index] = value if start else entry["strs"][index] + value


def key(entry: dict) -> tuple:
    return (entry["ctx"] or "", entry["id"])


def label(k: tuple) -> str:
    ctx, msgid = k
    return f"[{ctx}] {msgid!r}" if ctx else repr(msgid)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _copy_sources(dest: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_DIRS and not d.startswith(".")]
        rel = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in EXTENSIONS and not name.startswith("."):
                (dest / rel).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, dest / rel / name)


def extract() -> list[dict]:
    """Run makemessages on a temporary copy of the sources; return the fresh entries."""
    sys.path.insert(0, str(ROOT))
    # The test profile: no side effects on import (dev creates the data folder).
    os.environ["DJANGO_SETTINGS_MODULE"] = "orderflow.settings.test"
    import django
    from django.core.management import call_command
    from django.test.utils import override_settings

    django.setup()
    with tempfile.TemporaryDirectory(prefix="orderflow-i18n-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out" / "locale"
        src.mkdir()
        _copy_sources(src)
        cwd = os.getcwd()
        os.chdir(src)
        try:
            with override_settings(LOCALE_PATHS=[str(out)]):
                call_command("makemessages", locale=[LOCALE], verbosity=0, no_location=True,
                             ignore_patterns=sorted(IGNORED_DIRS))
        finally:
            os.chdir(cwd)
        return parse_po((out / LOCALE / "LC_MESSAGES" / "django.po").read_text("utf-8"))


def problems(committed: list[dict], fresh: list[dict]) -> list[str]:
    found: list[str] = []
    header = next((e for e in committed if e["id"] == ""), None)
    if header is None or "nplurals=1;" not in header["strs"].get(0, ""):
        found.append("header: Plural-Forms must be 'nplurals=1; plural=0;'")
    entries = {key(e): e for e in committed if e["id"] != ""}
    for k in sorted({key(e) for e in fresh if e["id"] != ""} - set(entries)):
        found.append(f"missing from the .po: {label(k)}")
    for k, e in entries.items():
        strs = [e["strs"].get(i, "") for i in range(max(1, len(e["strs"])))]
        if "fuzzy" in e["flags"]:
            found.append(f"fuzzy: {label(k)}")
        elif not all(strs):
            found.append(f"untranslated: {label(k)}")
        elif "python-format" in e["flags"]:
            expected = placeholders(e["plural"] or e["id"])
            for s in strs:
                if placeholders(s) != expected:
                    found.append(f"placeholders differ: {label(k)} -> {s!r}")
    return found


def main() -> int:
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        print("check-translations: GNU gettext (xgettext, msgmerge) is not installed.")
        return 1
    committed = parse_po(COMMITTED.read_text("utf-8"))
    found = problems(committed, extract())
    if found:
        print(f"{COMMITTED.relative_to(ROOT)}: {len(found)} problem(s):")
        for line in found:
            print(f"  {line}")
        print("Fix: .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv "
              "--ignore=node_modules --ignore=bench --ignore=data --no-obsolete, then translate.")
        return 1
    print(f"check-translations: {len(committed) - 1} entries, all translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
