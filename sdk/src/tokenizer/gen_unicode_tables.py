#!/usr/bin/env python3
"""Turns the Unicode Character Database into the tokenizer's compact tables.

Run at build time (stdlib only) on Debian's unicode-data files, so the
Unicode version is the one that package pins (15.0 in bookworm):

  gen_unicode_tables.py UCD_DIR OUT.inc

Tables (all sorted, binary-searched):
  kClassRanges   [start, end] -> class bits (whitespace, control, punctuation,
                 accent mark, cased, case-ignorable) with the meanings BERT's
                 BasicTokenizer gives them (see unicode.h)
  kLower         code point -> full lower-case mapping, as Python's str.lower
                 (UnicodeData simple mapping + SpecialCasing's unconditional
                 entries; Final_Sigma is handled in code)
  kDecomp        code point -> full canonical decomposition (NFD, recursive;
                 Hangul syllables are decomposed in code)
  kCombining     [start, end] -> canonical combining class != 0
"""
import os
import sys

WHITESPACE, CONTROL, PUNCT, MARK, CASED, CASE_IGNORABLE = 1, 2, 4, 8, 16, 32


def ranges_of(path):
    """Yields (first, last, fields) of UnicodeData.txt, expanding <..., First>/<..., Last>."""
    with open(path, encoding="utf-8") as f:
        pending = None
        for line in f:
            fields = line.rstrip("\n").split(";")
            cp = int(fields[0], 16)
            name = fields[1]
            if name.endswith(", First>"):
                pending = cp
                continue
            if name.endswith(", Last>"):
                yield pending, cp, fields
                pending = None
                continue
            yield cp, cp, fields


def derived(path, wanted):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rng, prop = [x.strip() for x in line.split(";")[:2]]
            if prop not in wanted:
                continue
            a, _, b = rng.partition("..")
            out.setdefault(prop, []).append((int(a, 16), int(b or a, 16)))
    return out


def main():
    ucd, out_path = sys.argv[1], sys.argv[2]
    classes = {}
    lower = {}
    decomp = {}
    ccc = {}
    for first, last, f in ranges_of(os.path.join(ucd, "UnicodeData.txt")):
        cat = f[2]
        bits = 0
        # BasicTokenizer: _is_control = category C* except \t \n \r; _is_whitespace
        # = " ", \t, \n, \r or Zs. Python's str.split() (whitespace_tokenize) also
        # splits on U+2028/U+2029 (Zl/Zp), the only non-C* isspace characters
        # that are not Zs.
        if cat.startswith("C"):
            bits |= CONTROL
        if cat == "Zs" or cat in ("Zl", "Zp"):
            bits |= WHITESPACE
        if cat.startswith("P"):
            bits |= PUNCT
        if cat == "Mn":
            bits |= MARK
        for cp in range(first, last + 1):
            if bits:
                classes[cp] = classes.get(cp, 0) | bits
        if first == last:
            cp = first
            if f[13]:
                lower[cp] = [int(f[13], 16)]
            if f[5] and not f[5].startswith("<"):
                decomp[cp] = [int(x, 16) for x in f[5].split()]
            if int(f[3]) != 0:
                ccc[cp] = int(f[3])
    for cp in (9, 10, 13):
        classes[cp] = (classes.get(cp, 0) & ~CONTROL) | WHITESPACE
    # ASCII punctuation that Unicode calls symbols ($, +, <, =, >, ^, `, |, ~).
    for lo, hi in ((33, 47), (58, 64), (91, 96), (123, 126)):
        for cp in range(lo, hi + 1):
            classes[cp] = classes.get(cp, 0) | PUNCT
    # Unassigned code points are category Cn, which Python reports for them:
    # control, dropped by cleaning. Everything not listed gets that below
    # (kAssignedRanges), so only assigned ones need entries here.
    props = derived(os.path.join(ucd, "DerivedCoreProperties.txt"), {"Cased", "Case_Ignorable"})
    for prop, bit in (("Cased", CASED), ("Case_Ignorable", CASE_IGNORABLE)):
        for a, b in props[prop]:
            for cp in range(a, b + 1):
                classes[cp] = classes.get(cp, 0) | bit
    with open(os.path.join(ucd, "SpecialCasing.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) > 4 and parts[4]:
                continue  # conditional (language or context): not applied by str.lower
            cp = int(parts[0], 16)
            lower[cp] = [int(x, 16) for x in parts[1].split()]

    def full(cp):
        if cp not in decomp:
            return [cp]
        return [x for d in decomp[cp] for x in full(d)]

    # Assigned ranges: anything outside is Cn.
    assigned = []
    for first, last, f in ranges_of(os.path.join(ucd, "UnicodeData.txt")):
        if assigned and assigned[-1][1] + 1 == first:
            assigned[-1][1] = last
        else:
            assigned.append([first, last])

    def runs(mapping):
        items = sorted(mapping.items())
        out = []
        for cp, v in items:
            if out and out[-1][1] + 1 == cp and out[-1][2] == v:
                out[-1][1] = cp
            else:
                out.append([cp, cp, v])
        return out

    lines = ["// Generated by gen_unicode_tables.py from the Unicode Character Database"]
    lines.append("// (Debian unicode-data). Do not edit.")
    import re
    with open(os.path.join(ucd, "ReadMe.txt"), encoding="utf-8", errors="replace") as f:
        m = re.search(r"Unicode(\d+\.\d+\.\d+)", f.read())
    lines.append("// Unicode %s" % (m.group(1) if m else "unknown"))
    lines.append('#define EMBERT_UNICODE_VERSION "%s"' % (m.group(1) if m else "unknown"))
    cls = runs(classes)
    lines.append("static const ClassRange kClassRanges[] = {")
    lines += ["  {0x%X, 0x%X, %d}," % tuple(r) for r in cls]
    lines.append("};")
    lines.append("static const Range kAssignedRanges[] = {")
    lines += ["  {0x%X, 0x%X}," % (a, b) for a, b in assigned]
    lines.append("};")
    comb = runs(ccc)
    lines.append("static const ClassRange kCombining[] = {")
    lines += ["  {0x%X, 0x%X, %d}," % tuple(r) for r in comb]
    lines.append("};")
    pool = []

    def emit_map(name, mapping):
        lines.append("static const Mapping %s[] = {" % name)
        for cp in sorted(mapping):
            seq = mapping[cp]
            if seq == [cp]:
                continue
            lines.append("  {0x%X, %d, %d}," % (cp, len(pool), len(seq)))
            pool.extend(seq)
        lines.append("};")

    emit_map("kLower", lower)
    emit_map("kDecomp", {cp: full(cp) for cp in decomp})
    lines.append("static const uint32_t kPool[] = {")
    for i in range(0, len(pool), 12):
        lines.append("  " + ", ".join("0x%X" % x for x in pool[i:i + 12]) + ",")
    lines.append("};")
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()
