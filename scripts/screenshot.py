#!/usr/bin/env python
"""Screenshot of a running orderflow for the README (docs/screenshot.png).

    make run            # in another terminal: the demo company on http://127.0.0.1:8000/
    .venv/bin/python scripts/screenshot.py [--url URL] [--user saleshead] [--page /]

Logs in through the login form with a demo login in real Chromium (Playwright) and
saves a 1400×900 screenshot of the page.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="saleshead")
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--page", default="/", help="page to capture after login")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.goto(f"{args.url}/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/login/" in page.url:
            raise SystemExit(f"login as {args.user} failed")
        page.goto(f"{args.url}{args.page}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out)
        browser.close()
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
