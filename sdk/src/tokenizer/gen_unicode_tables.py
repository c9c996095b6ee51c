#!/usr/bin/env python3
"""Turns the Unicode Character Database into the tokenizer's compact tables.

Run at build time (Python standard library only) on Debian's unicode-data
files, so the Unicode version is the one that package pins (15.0 in bookworm);
it runs on the build host, so cross builds work unchanged:

  gen_unicode_tables.py UCD_DIR OUT.inc

Tables:
  kStage1/kStage2  two-stage lookup of one class byte per code point (see
                   unicode.h): stage 1 maps each block of 128 code points to
                   one of the distinct 128-byte blocks of stage 2. O(1), and
                   smaller than a sorted range list (most blocks repeat).
                   Stage 1 stops after plane 3; the few classified code
                   points above (plane 14's variation selectors) are kTail
                   ranges, everything else there is unassigned or private use.
  kLowerRuns       full lower-case mapping, as Python's str.lower() applied to
  kLowerSpecial    one character: runs of code points (every `stride`-th)
                   mapped by a constant offset, which is how the case pairs
                   of most scripts are laid out, plus the mappings to several
                   code points (SpecialCasing's unconditional entries).
                   Hugging Face lowers one character at a time, so the
                   context-dependent Final_Sigma rule never applies.
  kDecomp          code point -> full canonical decomposition (NFD,
                   recursive); Hangul syllables are decomposed in code.
  kCombining       [start, end] -> canonical combining class != 0, for the
                   canonical ordering NFD applies to the marks that survive.
"""
import os
import re
import sys

# Must match CharClass in unicode.h.
WHITESPACE, CONTROL, PUNCT, MARK, NON_STARTER, HAS_LOWER, HAS_DECOMP = 1, 2, 4, 8, 16, 32, 64
BLOCK_SHIFT = 7
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


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


def unconditional_special_casing(path):
    lower = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) > 4 and parts[4]:
                continue  # conditional (language or context): str.lower() of one character ignores it
            lower[int(parts[0], 16)] = [int(x, 16) for x in parts[1].split()]
    return lower


def main():
    ucd, out_path = sys.argv[1], sys.argv[2]
    # Unassigned code points (Cn) are "C*" for BasicTokenizer: dropped. They
    # start as CONTROL and only assigned ones are overwritten.
    classes = bytearray([CONTROL]) * 0x110000
    lower, decomp, ccc = {}, {}, {}
    for first, last, f in ranges_of(os.path.join(ucd, "UnicodeData.txt")):
        cat = f[2]
        bits = 0
        # BasicTokenizer: _is_control = category C* except \t \n \r;
        # _is_whitespace = " ", \t, \n, \r or Zs. Python's str.split()
        # (whitespace_tokenize) also splits on U+2028/U+2029 (Zl/Zp), the only
        # non-C* whitespace that is not Zs.
        if cat.startswith("C"):
            bits |= CONTROL
        if cat in ("Zs", "Zl", "Zp"):
            bits |= WHITESPACE
        if cat.startswith("P"):
            bits |= PUNCT
        if cat == "Mn":
            bits |= MARK
        if int(f[3]) != 0:
            bits |= NON_STARTER
        for cp in range(first, last + 1):
            classes[cp] = bits
        if first == last:
            if f[13]:
                lower[first] = [int(f[13], 16)]
            if f[5] and not f[5].startswith("<"):
                decomp[first] = [int(x, 16) for x in f[5].split()]
            if int(f[3]) != 0:
                ccc[first] = int(f[3])
    for cp in (9, 10, 13):
        classes[cp] = WHITESPACE
    # ASCII punctuation that Unicode calls symbols ($, +, <, =, >, ^, `, |, ~).
    for lo, hi in ((33, 47), (58, 64), (91, 96), (123, 126)):
        for cp in range(lo, hi + 1):
            classes[cp] |= PUNCT
    lower.update(unconditional_special_casing(os.path.join(ucd, "SpecialCasing.txt")))
    lower = {cp: seq for cp, seq in lower.items() if seq != [cp]}
    for cp in lower:
        classes[cp] |= HAS_LOWER

    def full(cp):
        if cp not in decomp:
            return [cp]
        return [x for d in decomp[cp] for x in full(d)]

    nfd = {cp: full(cp) for cp in decomp}
    for cp in nfd:
        classes[cp] |= HAS_DECOMP
    for cp in range(HANGUL_FIRST, HANGUL_LAST + 1):
        classes[cp] |= HAS_DECOMP

    block = 1 << BLOCK_SHIFT
    last_low = max(cp for cp in range(0xE0000) if classes[cp] != CONTROL)
    limit = (last_low // block + 1) * block
    tail = []
    for cp in range(limit, 0x110000):
        if classes[cp] == CONTROL:
            continue
        if tail and tail[-1][1] + 1 == cp and tail[-1][2] == classes[cp]:
            tail[-1][1] = cp
        else:
            tail.append([cp, cp, classes[cp]])
    blocks, stage1 = {}, []
    for start in range(0, limit, block):
        stage1.append(blocks.setdefault(bytes(classes[start:start + block]), len(blocks)))
    stage1_type = "uint8_t" if len(blocks) <= 256 else "uint16_t"

    with open(os.path.join(ucd, "ReadMe.txt"), encoding="utf-8", errors="replace") as f:
        m = re.search(r"Unicode(\d+\.\d+\.\d+)", f.read())
    version = m.group(1) if m else "unknown"

    lines = ["// Generated by gen_unicode_tables.py from the Unicode Character Database",
             "// (Debian unicode-data), Unicode %s. Do not edit." % version,
             '#define EMBERT_UNICODE_VERSION "%s"' % version,
             "constexpr unsigned kBlockShift = %d;" % BLOCK_SHIFT,
             "constexpr uint32_t kStage1Limit = 0x%X;  // code points from here: kTail" % limit,
             "static const %s kStage1[%d] = {" % (stage1_type, len(stage1))]
    for i in range(0, len(stage1), 32):
        lines.append("  " + ",".join(str(x) for x in stage1[i:i + 32]) + ",")
    lines.append("};")
    lines.append("static const uint8_t kStage2[%d] = {" % (len(blocks) * block))
    for b in blocks:  # dicts keep insertion order: index order
        for i in range(0, block, 32):
            lines.append("  " + ",".join(str(x) for x in b[i:i + 32]) + ",")
    lines.append("};")

    lines.append("static const ClassRun kTail[] = {")
    lines += ["  {0x%X, 0x%X, %d}," % tuple(r) for r in tail]
    lines.append("};")

    comb = []
    for cp, v in sorted(ccc.items()):
        if comb and comb[-1][1] + 1 == cp and comb[-1][2] == v:
            comb[-1][1] = cp
        else:
            comb.append([cp, cp, v])
    lines.append("static const ClassRun kCombining[] = {")
    lines += ["  {0x%X, 0x%X, %d}," % tuple(r) for r in comb]
    lines.append("};")

    pool = []

    def emit_map(name, mapping):
        lines.append("static const Mapping %s[] = {" % name)
        for cp in sorted(mapping):
            seq = mapping[cp]
            lines.append("  {0x%X, %d, %d}," % (cp, len(pool), len(seq)))
            pool.extend(seq)
        lines.append("};")
        return max(len(s) for s in mapping.values())

    special = {cp: seq for cp, seq in lower.items() if len(seq) > 1}
    runs = []  # [first, last, stride, delta]
    for cp in sorted(cp for cp in lower if len(lower[cp]) == 1):
        delta = lower[cp][0] - cp
        if runs and runs[-1][3] == delta and cp - runs[-1][1] == (runs[-1][2] or min(cp - runs[-1][1], 2)):
            runs[-1][2] = cp - runs[-1][1]
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, 0, delta])
    for first, last, stride, delta in runs:  # the runs must say exactly what the mapping says
        for cp in range(first, last + 1):
            if stride == 0 and cp == first or stride and (cp - first) % stride == 0:
                assert lower[cp] == [cp + delta], hex(cp)
            else:  # skipped by the run: no mapping, or one kLowerSpecial holds (looked up first)
                assert cp not in lower or cp in special, hex(cp)
    lines.append("static const LowerRun kLowerRuns[] = {")
    lines += ["  {0x%X, %d, %d, %d}," % (f, (l - f) // (st or 1) + 1, st or 1, d) for f, l, st, d in runs]
    lines.append("};")
    max_lower = emit_map("kLowerSpecial", special)
    max_decomp = emit_map("kDecomp", nfd)
    lines.append("static const uint32_t kPool[] = {")
    for i in range(0, len(pool), 12):
        lines.append("  " + ", ".join("0x%X" % x for x in pool[i:i + 12]) + ",")
    lines.append("};")
    # unicode.h promises callers fixed bounds; a new Unicode version that
    # broke them must fail the build, not overflow a buffer.
    lines.append("static_assert(%d <= kMaxLower, \"lower-case mapping longer than kMaxLower\");" % max_lower)
    lines.append("static_assert(%d <= kMaxDecomposition, \"decomposition longer than kMaxDecomposition\");"
                 % max_decomp)
    assert len(pool) < 65536, "Mapping.offset is 16 bits"
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()
