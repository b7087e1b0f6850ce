"""Checks what media teams take away, with the tools they use.

  check.py atom FILE   the file parses as an Atom 1.0 feed, without errors, with entries
  check.py csv FILE    the file opens as UTF-8 CSV with a byte order mark, Vietnamese intact
  check.py pages URL   a paged Atom feed: every page parses, rel="next" links them, ids are unique
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


def pages(url):
    ids, n = set(), 0
    while url:
        n += 1
        d = feedparser.parse(url)
        if d.bozo:
            sys.exit(f"{url}: not a well-formed feed: {d.bozo_exception}")
        if d.version != "atom10":
            sys.exit(f"{url}: parsed as {d.version!r}, want Atom 1.0")
        for e in d.entries:
            for field in ("id", "title", "updated", "link", "summary"):
                if not e.get(field):
                    sys.exit(f"{url}: an entry lacks {field}: {e}")
            if e.id in ids:
                sys.exit(f"{url}: entry {e.id} again")
            ids.add(e.id)
        nxt = [l.href for l in d.feed.get("links", []) if l.get("rel") == "next"]
        url = nxt[0] if nxt else None
        if n > 10000:
            sys.exit("more than 10,000 pages: a loop of next links?")
    if not ids:
        sys.exit(f"no entries in {n} pages")
    print(f"{len(ids)} entries in {n} pages, every id unique")


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
    {"atom": atom, "csv": table, "pages": pages}[sys.argv[1]](sys.argv[2])
