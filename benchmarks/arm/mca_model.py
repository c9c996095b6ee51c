#!/usr/bin/env python3
"""Cycle model of a run from bbcount's block counts and llvm-mca (benchmarks/arm/README.md).

  mca_model.py COUNTS [--baseline COUNTS0] --cpu neoverse-n1 [--ghz 2.4] --out-json F --out-md F
               [--title T] [--macs N] [--cache-dir D] [--coverage 0.999] [--jobs 2]

COUNTS is the plugin's output; with --baseline the counts of COUNTS0 are
subtracted block by block (a run with one encoder pass more minus one with
fewer: the difference is exactly the extra passes). The hottest blocks that
make up --coverage of the dynamic instructions are disassembled from their
bytes (llvm-mc) and modelled by llvm-mca (steady-state cycles per execution of
the block, data in L1); cycles are weighted by execution counts. The rest of
the instructions (1 - coverage) and blocks llvm-mca cannot model are counted
at 1 instruction per cycle and reported as such.
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

LLVM = "/usr/lib/llvm-19/bin"
MCA_ITERATIONS = (100, 400)  # steady state = cycles(400) - cycles(100) over 300 iterations

# Category of a function, from its demangled name without the argument list
# (see short_name); first match wins. The SDK's names: backend/arm/qgemm_neon.cc
# (GemmTiles<kDot>, GemmNeon, GemmNeonDot), backend/qgemm_reference.cc
# (GemmReference, QuantizeReference), backend/linear.cc (GemmTile,
# QuantizeRows), kernels/*.cc (Attention, AttentionTile, Softmax, GeluErf,
# Activate, ActivateRows, AddLayerNorm, LayerNormRows); XNNPACK's and ONNX
# Runtime's (MLAS) kernels for the peers.
CATEGORIES = [
    ("quantize", re.compile(r"Quantiz|xnn_.*_vcvt|MlasQuantize|unnamed float-to-int8 code")),
    ("GEMM", re.compile(r"Gemm|xnn_.*gemm|MlasGemm|MlasSymmQgemm|MlasConv|unnamed int8-MAC code")),
    ("attention", re.compile(r"Attention|kernels::Softmax|ScoreBlocks")),
    ("GELU", re.compile(r"Gelu|Activate|kernels::Tanh|^erff?$|^expf?$")),
    ("LayerNorm", re.compile(r"LayerNorm")),
]
CATEGORY_ORDER = ["GEMM", "attention", "quantize", "GELU", "LayerNorm", "other"]


def die(msg):
    print(f"mca_model.py: {msg}", file=sys.stderr)
    sys.exit(1)


def tool(name):
    path = os.path.join(LLVM, name)
    if not os.access(path, os.X_OK):
        die(f"{path} not found (platforms/linux/install-deps.sh --dev installs llvm-19)")
    return path


def read_counts(path):
    """Blocks keyed by (file or '', file offset or vaddr, instructions, bytes)."""
    blocks = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            vaddr, n, count, sym, file, off, data = line.split()
            n, count = int(n), int(count)
            key = (file, int(off, 16), n, data) if file != "-" else ("", int(vaddr, 16), n, data)
            if key in blocks:
                blocks[key]["count"] += count
            else:
                blocks[key] = {"vaddr": int(vaddr, 16), "n": n, "count": count,
                               "symbol": None if sym == "-" else sym, "file": None if file == "-" else file,
                               "offset": int(off, 16), "bytes": data}
    if not blocks:
        die(f"{path}: no blocks")
    return blocks


def subtract(blocks, base):
    """blocks - base, block by block. Returns (blocks with a positive difference, instructions of negative ones)."""
    out = {}
    negative = 0
    for key, b in blocks.items():
        c = b["count"] - (base[key]["count"] if key in base else 0)
        if c > 0:
            out[key] = dict(b, count=c)
        elif c < 0:
            negative += -c * b["n"]
    for key, b in base.items():
        if key not in blocks:
            negative += b["count"] * b["n"]
    return out, negative


BRANCH = re.compile(r"^(b|bl|br|blr|blx|bx|ret|cbz|cbnz|tbz|tbnz|svc|brk|udf)(\.\w+|eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|"
                    r"hi|ls|ge|lt|gt|le)?\b|\bpc\b")


def merge_splits(blocks, arch):
    """QEMU also ends a translation block where no branch is: at a guest page
    boundary, and where the block's TCG ops fill its buffer (long NEON loop
    bodies). A loop body arrives as two blocks then, and llvm-mca would model
    each half alone, losing the overlap between them (+2.6 M cycles per pass
    on the A72 model when a code change moved the SMLAL kernel's loop across
    a page; softmax's 180-instruction loop body is cut at instruction 103).
    The hardware has no such split: a block whose last instruction is not a
    branch is joined to the block starting where it ends, for the executions
    they share. Returns the merged list."""
    by_start = {b["vaddr"]: b for b in blocks}
    out = []
    for a in sorted(blocks, key=lambda b: b["vaddr"]):
        if a["count"] <= 0:
            continue
        nxt = by_start.get(a["vaddr"] + len(a["bytes"]) // 2)
        while nxt is not None and nxt is not a and nxt["count"] >= a["count"]:
            last = disassemble(a["bytes"][-8:], arch)
            if last is None or BRANCH.search(last.strip()):
                break
            # The executions entered at nxt's start itself stay nxt's own.
            nxt["count"] -= a["count"]
            a = dict(a, n=a["n"] + nxt["n"], bytes=a["bytes"] + nxt["bytes"], merged=True)
            nxt = by_start.get(a["vaddr"] + len(a["bytes"]) // 2)
        out.append(a)
    return [b for b in out if b["count"] > 0]


def elf_load_segments(path):
    """(offset, vaddr, filesz) of the PT_LOAD segments of an ELF file."""
    text = subprocess.run([tool("llvm-readelf"), "-lW", path], check=True, capture_output=True, text=True).stdout
    segs = []
    for line in text.splitlines():
        p = line.split()
        if p and p[0] == "LOAD":
            segs.append((int(p[1], 16), int(p[2], 16), int(p[4], 16)))
    return segs


def symbolize(blocks):
    """Names blocks QEMU gave no symbol from their file (shared libraries) with llvm-symbolizer."""
    by_file = collections.defaultdict(list)
    for b in blocks:
        if b["symbol"] is None and b["file"] and os.path.exists(b["file"]):
            by_file[b["file"]].append(b)
    for path, bs in by_file.items():
        segs = elf_load_segments(path)
        queries = []
        for b in bs:
            addr = None
            for off, vaddr, size in segs:
                if off <= b["offset"] < off + size:
                    addr = b["offset"] - off + vaddr
            queries.append(addr)
        lines = "\n".join(f"0x{a:x}" for a in queries if a is not None) + "\n"
        out = subprocess.run([tool("llvm-symbolizer"), "--obj", path, "--no-inlines", "--functions=linkage",
                              "--no-demangle", "--output-style=GNU"], input=lines, check=True,
                             capture_output=True, text=True).stdout.splitlines()
        names = iter(out[0::2])
        lib = os.path.basename(path)
        for b, a in zip(bs, queries):
            if a is None:
                continue
            name = next(names)
            b["symbol"] = name if name and name != "??" else None
            b["library"] = lib
    for b in blocks:
        if b["symbol"] is None:
            b["symbol"] = f"?{os.path.basename(b['file'])}" if b["file"] else "?unknown"


def name_unnamed(b, asm):
    """A block of a library without symbols (hidden functions): named by what its instructions do."""
    lib = b["symbol"][1:]
    ops = {l.split()[0] for l in (asm or "").splitlines() if l.split()}
    if ops & {"sdot", "udot", "smlal", "smlal2", "smull", "smull2", "sadalp"}:
        kind = "int8-MAC code"
    elif ops & {"fcvtns", "fcvtas", "fcvtzs"} and ops & {"sqxtn", "sqxtn2", "sqxtun", "sqxtun2", "xtn", "xtn2"}:
        kind = "float-to-int8 code"
    elif ops & {"fmla", "fmul"} and any(".4s" in l for l in (asm or "").splitlines()):
        kind = "float-vector code"
    else:
        kind = "code"
    b["function"] = f"{lib}: unnamed {kind}"


def demangle(blocks):
    names = sorted({b["symbol"] for b in blocks})
    out = subprocess.run([tool("llvm-cxxfilt")], input="\n".join(names) + "\n", check=True, capture_output=True,
                         text=True).stdout.splitlines()
    table = dict(zip(names, out))
    for b in blocks:
        b["function"] = table.get(b["symbol"], b["symbol"])


def short_name(function):
    """A demangled name without its argument list and return type."""
    s = function.replace("(anonymous namespace)", "{anon}")
    s = s.split("(", 1)[0]
    depth, cut = 0, 0
    for i, ch in enumerate(s):  # drop a return type before the name ("void f<true>")
        depth += ch == "<"
        depth -= ch == ">"
        if ch == " " and depth == 0:
            cut = i + 1
    return s[cut:]


def category(function):
    name_only = function if ": unnamed " in function else short_name(function)
    for name, pattern in CATEGORIES:
        if pattern.search(name_only):
            return name
    return "other"


def disassemble(data, arch):
    """Assembly text of a block's bytes, or None if llvm-mc cannot decode it all."""
    raw = bytes.fromhex(data)
    if arch == "aarch64":
        args = ["-triple=aarch64", "-mattr=+dotprod,+fullfp16,+neon"]
        width = 4
    else:
        args = ["-triple=armv7a-linux-gnueabihf", "-mattr=+neon,+vfp4"]
        width = 4  # ARM state only; Thumb-2 blocks are not modelled
    if len(raw) % width:
        return None
    words = " ".join(f"0x{x:02x}" for x in raw)
    r = subprocess.run([tool("llvm-mc"), "--disassemble", "-show-inst=false", *args], input=words,
                       capture_output=True, text=True)
    if r.returncode != 0 or "invalid instruction" in r.stderr or "warning" in r.stderr:
        return None
    insns = [l.strip() for l in r.stdout.splitlines() if l.strip() and not l.strip().startswith(".")]
    if len(insns) * width != len(raw):
        return None
    return "\n".join(insns) + "\n"


def mca_cycles(asm, cpu, arch):
    """Steady-state cycles per execution of a block (llvm-mca), or (None, error)."""
    triple = "aarch64" if arch == "aarch64" else "armv7a-linux-gnueabihf"
    mattr = "+dotprod,+fullfp16,+neon" if arch == "aarch64" else "+neon,+vfp4"
    totals = []
    for it in MCA_ITERATIONS:
        r = subprocess.run([tool("llvm-mca"), f"-mtriple={triple}", f"-mcpu={cpu}", f"-mattr={mattr}",
                            f"-iterations={it}", "-summary-view", "-resource-pressure=false",
                            "-instruction-info=false"], input=asm, capture_output=True, text=True)
        m = re.search(r"Total Cycles:\s+(\d+)", r.stdout)
        if r.returncode != 0 or not m:
            return None, (r.stderr.strip().splitlines() or ["no output"])[0][:200]
        totals.append(int(m.group(1)))
    return (totals[1] - totals[0]) / (MCA_ITERATIONS[1] - MCA_ITERATIONS[0]), None


def model_block(data, cpu, arch, cache_dir):
    key = hashlib.sha256(f"{arch} {cpu} {MCA_ITERATIONS} {data}".encode()).hexdigest()
    path = os.path.join(cache_dir, key[:2], key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    asm = disassemble(data, arch)
    if asm is None:
        result = {"cycles": None, "error": "llvm-mc cannot disassemble the block", "asm": None}
    else:
        cycles, err = mca_cycles(asm, cpu, arch)
        result = {"cycles": cycles, "error": err, "asm": asm}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + f".{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, path)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("counts")
    ap.add_argument("--baseline", help="counts to subtract (the same run with fewer passes)")
    ap.add_argument("--cpu", required=True, help="llvm-mca -mcpu (neoverse-n1 = Cortex-A76, cortex-a72)")
    ap.add_argument("--ghz", type=float, required=True, help="clock for modelled milliseconds")
    ap.add_argument("--arch", default="aarch64", choices=["aarch64", "armhf"])
    ap.add_argument("--coverage", type=float, default=0.999)
    ap.add_argument("--macs", type=float, default=0, help="multiply-accumulates of the run: adds MAC/cycle")
    ap.add_argument("--passes", type=int, default=1, help="the difference holds this many passes: figures per pass")
    ap.add_argument("--title", default="")
    ap.add_argument("--cache-dir", default=os.path.expanduser("~/.cache/embert/mca"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out-json", required=True)
    ap.add_argument("--out-md", required=True)
    args = ap.parse_args()

    blocks = read_counts(args.counts)
    negative = 0
    if args.baseline:
        blocks, negative = subtract(blocks, read_counts(args.baseline))
    blocks = merge_splits(list(blocks.values()), args.arch)
    blocks = sorted(blocks, key=lambda b: -b["count"] * b["n"])
    total = sum(b["count"] * b["n"] for b in blocks)
    # Instructions per host file holding the block (the program, each shared
    # library; "(anonymous)" = code QEMU found in no file: JIT code, vDSO).
    per_file = collections.Counter()
    for b in blocks:
        per_file[os.path.basename(b["file"]) if b["file"] else "(anonymous)"] += b["count"] * b["n"]
    if total == 0:
        die("no instructions (the runs are identical?)")
    hot, acc = [], 0
    for b in blocks:
        if acc >= args.coverage * total:
            break
        hot.append(b)
        acc += b["count"] * b["n"]
    cold = blocks[len(hot):]
    symbolize(hot)
    demangle(hot)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 2))) as pool:
        results = list(pool.map(lambda b: model_block(b["bytes"], args.cpu, args.arch, args.cache_dir), hot))

    for b, r in zip(hot, results):
        if b["symbol"].startswith("?"):
            name_unnamed(b, r["asm"])
    per_function = collections.defaultdict(lambda: {"instructions": 0, "cycles": 0.0, "blocks": 0})
    failed = []
    cycles_total = 0.0
    for b, r in zip(hot, results):
        ins = b["count"] * b["n"]
        if r["cycles"] is None:
            cyc = float(ins)  # 1 IPC
            failed.append({"function": b["function"], "vaddr": f"0x{b['vaddr']:x}", "instructions_per_block": b["n"],
                           "executions": b["count"], "instructions": ins, "error": r["error"]})
        else:
            cyc = r["cycles"] * b["count"]
        b["cycles"] = cyc
        cycles_total += cyc
        f = per_function[b["function"]]
        f["instructions"] += ins
        f["cycles"] += cyc
        f["blocks"] += 1
    cold_ins = sum(b["count"] * b["n"] for b in cold)
    cycles_total += cold_ins  # 1 IPC

    p = args.passes
    ms = lambda c: c / (args.ghz * 1e6) / p
    funcs = []
    for name, f in per_function.items():
        funcs.append({"function": name, "category": category(name), "instructions": f["instructions"] / p,
                      "cycles": f["cycles"] / p, "ms": ms(f["cycles"]), "blocks": f["blocks"],
                      "percent_cycles": 100 * f["cycles"] / cycles_total})
    funcs.sort(key=lambda f: -f["cycles"])
    cats = {c: {"instructions": 0.0, "cycles": 0.0} for c in CATEGORY_ORDER}
    for f in funcs:
        cats[f["category"]]["instructions"] += f["instructions"]
        cats[f["category"]]["cycles"] += f["cycles"]
    cats["other"]["instructions"] += cold_ins / p
    cats["other"]["cycles"] += cold_ins / p
    for c in cats.values():
        c["ms"] = c["cycles"] / (args.ghz * 1e6)
        c["percent_cycles"] = 100 * c["cycles"] * p / cycles_total
    hottest = []
    for b in hot[:20]:
        hottest.append({"function": b["function"], "vaddr": f"0x{b['vaddr']:x}", "instructions_per_block": b["n"],
                        "executions": b["count"] / p, "cycles_per_execution": b["cycles"] / b["count"],
                        "percent_cycles": 100 * b["cycles"] / cycles_total})
    summary = {
        "title": args.title, "counts": args.counts, "baseline": args.baseline, "cpu": args.cpu, "ghz": args.ghz,
        "passes": p, "instructions": total / p, "cycles": cycles_total / p, "ms": ms(cycles_total),
        "ipc": total / cycles_total, "blocks_executed": len(blocks), "blocks_modelled": len(hot),
        "coverage": acc / total, "unmodelled_instructions_at_1_ipc": cold_ins / p,
        "failed_blocks": failed, "failed_instructions_at_1_ipc": sum(f["instructions"] for f in failed) / p,
        "negative_difference_instructions": negative / p,
        "files": {f: n / p for f, n in per_file.most_common()},
        "categories": cats, "functions": funcs, "hottest_blocks": hottest,
    }
    if args.macs:
        summary["macs"] = args.macs
        summary["mac_per_cycle"] = args.macs / (cycles_total / p)
        summary["instructions_per_mac"] = total / p / args.macs
        g = cats["GEMM"]
        if g["cycles"]:
            summary["gemm_only_mac_per_cycle"] = args.macs / g["cycles"]
            summary["gemm_only_instructions_per_mac"] = g["instructions"] / args.macs
    os.makedirs(os.path.dirname(os.path.abspath(args.out_json)), exist_ok=True)
    with open(args.out_json, "w") as f:
        json.dump(summary, f, indent=1)

    md = [f"### {args.title or args.counts} — llvm-mca -mcpu={args.cpu} at {args.ghz} GHz", ""]
    md.append(f"{total / p / 1e6:,.1f} M instructions, {cycles_total / p / 1e6:,.1f} M cycles, "
              f"**{ms(cycles_total):,.1f} ms** modelled (IPC {total / cycles_total:.2f}); {len(hot)} of "
              f"{len(blocks)} blocks modelled ({100 * acc / total:.2f} % of instructions)")
    if args.macs:
        md[-1] += (f"; {args.macs / 1e6:,.1f} M MAC: **{summary['mac_per_cycle']:.2f} MAC/cycle**, "
                   f"{summary['instructions_per_mac']:.3f} instructions/MAC")
        if "gemm_only_mac_per_cycle" in summary:
            md[-1] += (f" (GEMM kernel alone: {summary['gemm_only_mac_per_cycle']:.2f} MAC/cycle, "
                       f"{summary['gemm_only_instructions_per_mac']:.3f} instructions/MAC)")
    notes = [f"{cold_ins / p / 1e6:,.2f} M instructions outside the modelled blocks at 1 IPC"]
    if failed:
        notes.append(f"{len(failed)} blocks llvm-mca could not model ({summary['failed_instructions_at_1_ipc'] / 1e6:,.2f}"
                     f" M instructions) at 1 IPC: " + ", ".join(f"{x['function']} ({x['error']})" for x in failed[:5]))
    if negative:
        notes.append(f"{negative / p:,.0f} instructions of blocks executed less often than in the baseline")
    notes.append("by file: " + ", ".join(f"{f} {100 * n / total:.2f} %" for f, n in per_file.most_common(6)))
    md.append("")
    md.append("; ".join(notes) + ".")
    md += ["", "| category | M instructions | M cycles | ms | % |", "|---|---:|---:|---:|---:|"]
    for c in CATEGORY_ORDER:
        v = cats[c]
        md.append(f"| {c} | {v['instructions'] / 1e6:,.1f} | {v['cycles'] / 1e6:,.1f} | {v['ms']:,.2f} | "
                  f"{v['percent_cycles']:.1f} |")
    md += ["", "| function | category | M instructions | M cycles | ms | % |", "|---|---|---:|---:|---:|---:|"]
    for f in funcs[:15]:
        name = f["function"]
        name = name if len(name) <= 90 else name[:87] + "..."
        md.append(f"| `{name}` | {f['category']} | {f['instructions'] / 1e6:,.1f} | {f['cycles'] / 1e6:,.1f} | "
                  f"{f['ms']:,.2f} | {f['percent_cycles']:.1f} |")
    md.append("")
    with open(args.out_md, "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
