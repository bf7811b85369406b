"""Build the documentation and take screenshots of its main pages, offline.

Looks at the site as a reader does, in a real browser: headless Chromium
(Debian: ``apt-get install chromium``) opens each page from ``file://``,
with every network feature turned off, and saves a PNG::

    python doc/screenshots.py                  # build, then screenshots
    python doc/screenshots.py --no-build       # screenshots of the last build
    python doc/screenshots.py --height 6000 results_full_data

The PNGs go to ``doc/_build/screenshots/`` (not kept in git). Chromium draws
only what fits in its window, so ``--height`` sets how much of each page is
seen.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOC = Path(__file__).resolve().parent
HTML = DOC / "_build" / "html"
OUT = DOC / "_build" / "screenshots"

#: The pages a newcomer reads first, and every results page.
PAGES = (
    "index",
    "quick_start",
    "user_guide/lra",
    "generated/sklearn_lra.LRAClassifier",
    "auto_examples/index",
    "auto_examples/plot_zero_initialisation",
    "results_full_data",
    "results",
    "results_null_init_20_epochs",
)

#: No network at all: the site must render from its own files.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def build():
    """README's docs command, run from the repository root."""
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "doc"]
    subprocess.run([*command, str(HTML)], cwd=DOC.parent, check=True)


def chromium():
    """The Chromium executable, or a clear error."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("needs Chromium: apt-get update && apt-get install -y chromium")


def screenshot(browser, page, width, height):
    """Save ``<OUT>/<page>.png`` of the built page; returns its path."""
    source = HTML / f"{page}.html"
    if not source.is_file():
        raise SystemExit(f"no {source}: build the site first (drop --no-build)")
    target = OUT / f"{page.replace('/', '__')}.png"
    with tempfile.TemporaryDirectory() as profile:  # a fresh profile every time
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=PAGES, help="pages, e.g. user_guide/lra")
    parser.add_argument("--no-build", action="store_true", help="use the last build")
    parser.add_argument("--width", type=int, default=1280, help="window width (default: 1280)")
    parser.add_argument("--height", type=int, default=2400, help="window height (default: 2400)")
    args = parser.parse_args(argv)
    if not args.no_build:
        build()
    browser = chromium()
    OUT.mkdir(parents=True, exist_ok=True)
    for page in args.pages:
        print(screenshot(browser, page, args.width, args.height))
    return 0


if __name__ == "__main__":
    sys.exit(main())
