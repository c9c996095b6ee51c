#!/usr/bin/env python3
"""Every code point of the SDK's generated Unicode tables against Python's
unicodedata, with the meanings BERT's BasicTokenizer gives the properties:
control (C* except \\t \\n \\r), whitespace (\\t \\n \\r, Zs, and Zl/Zp on which
str.split() splits), punctuation (P* and ASCII 33-47, 58-64, 91-96, 123-126),
Mn, canonical combining class, str.lower() of the single character, and the
canonical decomposition (NFD of the single character).

Python's Unicode version (14.0 for Python 3.11) is older than the tables'
(15.0): code points unassigned in Python are skipped, and the few already
assigned characters whose properties changed between the versions are listed
in KNOWN_VERSION_CHANGES (none so far).

  test_unicode_tables.py --tool unicode_dump_tool
"""
import argparse
import subprocess
import sys
import unicodedata

WHITESPACE, CONTROL, PUNCT, MARK, NON_STARTER, HAS_LOWER, HAS_DECOMP = 1, 2, 4, 8, 16, 32, 64
KNOWN_VERSION_CHANGES = {}


def expected(cp):
    c = chr(cp)
    cat = unicodedata.category(c)
    bits = 0
    if cat.startswith("C") and c not in "\t\n\r":
        bits |= CONTROL
    if c in " \t\n\r" or cat in ("Zs", "Zl", "Zp"):
        bits |= WHITESPACE
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or cat.startswith("P"):
        bits |= PUNCT
    if cat == "Mn":
        bits |= MARK
    if unicodedata.combining(c):
        bits |= NON_STARTER
    lower = [ord(x) for x in c.lower()]
    if lower != [cp]:
        bits |= HAS_LOWER
    nfd = [ord(x) for x in unicodedata.normalize("NFD", c)]
    if nfd != [cp]:
        bits |= HAS_DECOMP
    return bits, unicodedata.combining(c), lower, nfd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    a = ap.parse_args()
    out = subprocess.run([a.tool], capture_output=True, text=True, check=True).stdout.splitlines()
    print("tables: Unicode %s; Python's unicodedata: Unicode %s" % (out[0].split()[1], unicodedata.unidata_version))
    checked = skipped = bad = 0
    for line in out[1:]:
        f = line.split()
        cp = int(f[0], 16)
        if unicodedata.category(chr(cp)) == "Cn":
            skipped += 1  # unassigned in Python's version: may be assigned in the tables' newer one
            continue
        got = (int(f[1]), int(f[2]), [int(x, 16) for x in f[3].split(".")], [int(x, 16) for x in f[4].split(".")])
        want = expected(cp)
        checked += 1
        if got != want and KNOWN_VERSION_CHANGES.get(cp) != got:
            bad += 1
            if bad <= 20:
                print("U+%04X %s: got %r, want %r" % (cp, unicodedata.name(chr(cp), "?"), got, want))
    print("%d code points checked, %d unassigned in Python skipped, %d differ" % (checked, skipped, bad))
    return 1 if bad or checked < 140000 else 0


if __name__ == "__main__":
    sys.exit(main())
