"""Checks what media teams take away, with the tools they use.

  check.py atom FILE   the file parses as an Atom 1.0 feed, without errors, with entries
  check.py csv FILE    the file opens as UTF-8 CSV with a byte order mark, Vietnamese intact
"""
import csv
import sys

import feedparser


def atom(path):
    d = feedparser.parse(path)
    if d.bozo:
        sys.exit(f"{path}: not a well-formed feed: {d.bozo_exception}")
    if d.version != "atom10":
        sys.exit(f"{path}: parsed as {d.version!r}, want Atom 1.0")
    if not d.entries:
        sys.exit(f"{path}: no entries")
    for e in d.entries:
        for field in ("id", "title", "updated", "link"):
            if not e.get(field):
                sys.exit(f"{path}: an entry lacks {field}: {e}")
    print(f"{path}: Atom 1.0, {len(d.entries)} entries, first: {d.entries[0].title}")


def table(path):
    with open(path, "rb") as f:
        if not f.read(3) == b"\xef\xbb\xbf":
            sys.exit(f"{path}: no UTF-8 byte order mark")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = {r[7] for r in rows[1:]}
    if "Huyện Thạnh Phú" not in names:
        sys.exit(f"{path}: Vietnamese names not intact: {sorted(names)[:5]}")
    print(f"{path}: {len(rows) - 1} rows, Vietnamese intact ({rows[2][7]})")


if __name__ == "__main__":
    {"atom": atom, "csv": table}[sys.argv[1]](sys.argv[2])
