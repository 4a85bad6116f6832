"""Compile app/translations/*/LC_MESSAGES/messages.po into .mo files when they are out of date."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "app" / "translations"


def main() -> None:
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog)
        print(f"compiled {mo_path.relative_to(ROOT.parent.parent)}")


if __name__ == "__main__":
    main()
