"""Checks what media teams take away, with the tools they use.

  check.py atom FILE   the file parses as an Atom 1.0 feed, without errors, with entries
  check.py csv FILE    the file opens as UTF-8 CSV with a byte order mark, Vietnamese intact
  check.py pages URL   a paged Atom feed: every page parses, rel="next" links them, ids are unique
  check.py feeds BASE  every feed under the site BASE (e.g. http://host/tiendo/), in both
                       languages, followed through its archive pages (RFC 5005): each page
                       parses, the campaign feeds hold every revision the campaign's archive
                       lists, the combined feed all of them, and every link of every entry
                       answers 200
"""
import csv
import re
import sys
import urllib.request
from urllib.parse import urlsplit

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


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def archived(url):
    """The entries of a feed, from its current document through prev-archive."""
    entries, n = [], 0
    while url:
        d = feedparser.parse(fetch(url))
        if d.bozo or d.version != "atom10":
            sys.exit(f"{url}: not a well-formed Atom 1.0 feed: {d.get('bozo_exception')}")
        n += 1
        entries += d.entries
        url = next((k.href for k in d.feed.get("links", []) if k.rel == "prev-archive"), None)
    return entries, n


def feeds(base):
    slugs = sorted(set(re.findall(r'feeds/([^/"]+)\.atom', fetch(base + "bulletins/").decode())) - {"bulletins"})
    if len(slugs) < 2:
        sys.exit(f"{base}bulletins/: campaigns {slugs}")
    checked = set()
    for lang in ("", ".en"):
        union = set()
        for slug in slugs:
            entries, n = archived(f"{base}feeds/{slug}{lang}.atom")
            archive = fetch(f"{base}bulletins/{slug}/").decode()
            rows = archive.split("<tbody>")[1].count("<tr>")
            ids = {e.id for e in entries}
            if len(ids) != rows:
                sys.exit(f"feed {slug}{lang}: {len(ids)} revisions over {n} pages, the archive lists {rows}")
            union |= ids
            for e in entries:
                if not e.get("content") or e.content[0].type != "text/html":
                    sys.exit(f"{slug}{lang}: entry {e.id} has no HTML content")
                links = [k.href for k in e.links]
                if [urlsplit(h).path.rsplit(".", 1)[-1] for h in links[1:]] != ["csv", "xlsx", "json"]:
                    sys.exit(f"{slug}{lang}: entry {e.id} links {links}: want the column, CSV, XLSX and JSON")
                for href in links:
                    if href not in checked:
                        fetch(href)  # raises on 404
                        checked.add(href)
            print(f"feed {slug}{lang}: {len(ids)} revisions over {n} pages, every link answers")
        entries, n = archived(f"{base}feeds/bulletins{lang}.atom")
        if {e.id for e in entries} != union:
            sys.exit(f"feed bulletins{lang}: {len(entries)} entries, the campaigns' feeds hold {len(union)}")
        print(f"feed bulletins{lang}: all {len(union)} revisions of {len(slugs)} campaigns over {n} pages")


if __name__ == "__main__":
    {"atom": atom, "csv": table, "pages": pages, "feeds": feeds}[sys.argv[1]](sys.argv[2])
