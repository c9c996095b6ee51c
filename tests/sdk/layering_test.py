#!/usr/bin/env python3
"""Every #include of sdk/src and converter/ against the declared layer order.

The SDK's layers (CONTRIBUTING.md, "Layers of the SDK"), lowest first:

    core -> memory -> format -> kernels / backend / tokenizer -> model
         -> context -> encoder -> api
    core -> decode -> encoder   (the pure NER/QA decoding: core only)

A file of a layer includes its own layer's headers, those of the layers below
it (SDK_LAYERS: model reads tokenizer and format, not kernels or backend) and
the public headers (<embert/...>), nothing else: kernels, backend and
tokenizer not each other, and the generated schema only from model up. The
CLI (sdk/src/cli) includes the public headers and its own only. The converter
includes the public headers, format/ and the schema of the SDK, and its own
folders in their order (json -> readers -> import -> quantize -> write
-> convert -> tool).

It also checks that each layer's CMake library (embert_layer(... DEPENDS ...)
in sdk/src/<layer>/CMakeLists.txt) links only layers below it.

    layering_test.py [--root DIR] [--stamp FILE]

Exit status 0 when everything follows the order (then FILE, if given, is
touched: the build runs this check too), 1 with one line per violation.
"""
import argparse
import os
import re
import sys

# Each layer and the layers directly below it; it may include those and,
# transitively, theirs.
SDK_LAYERS = {
    "core": [],
    "decode": ["core"],
    "memory": ["core"],
    "format": ["memory"],
    "kernels": ["format"],
    "backend": ["format"],
    "tokenizer": ["format"],
    "model": ["tokenizer"],
    "context": ["model", "kernels", "backend"],
    "encoder": ["context"],
    "heads": ["encoder", "decode"],
    "api": ["heads"],
}
# What may include the generated FlatBuffers schema (schema/embert_generated.h).
SCHEMA_USERS = {"model", "context", "encoder", "heads", "api"}
CONVERTER_LAYERS = {"json": [], "readers": ["json"], "import": ["readers"], "quantize": ["import"],
                    "write": ["quantize"], "convert": ["write"], "tool": ["convert"]}
# The SDK headers the converter may use besides the public ones.
CONVERTER_SDK = {"format", "schema"}

SOURCE_EXTENSIONS = (".h", ".cc", ".c", ".inc")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def below(layers):
    """layer -> the set of layers it may include (itself and everything below it)."""
    def closure(layer):
        out = {layer}
        for dep in layers[layer]:
            out |= closure(dep)
        return out
    return {layer: closure(layer) for layer in layers}


SDK_ALLOWED = below(SDK_LAYERS)
CONVERTER_ALLOWED = below(CONVERTER_LAYERS)


def violation(area, layer, include):
    """Why `include` is not allowed in a file of `layer` (None when it is)."""
    parts = include.split("/")
    if len(parts) < 2:
        return None  # a header beside the file, or a system header
    top = parts[0]
    if top == "embert":
        return None  # the public headers
    if area == "sdk":
        if layer == "cli":
            if top in SDK_ALLOWED or top == "schema":
                return "the CLI includes the public header only"
            return None
        if top == "schema":
            return None if layer in SCHEMA_USERS else "only model and the layers above it read the schema"
        if top in SDK_ALLOWED and top not in SDK_ALLOWED[layer]:
            return "%s is not below %s" % (top, layer)
        return None
    # converter
    if top in SDK_ALLOWED or top == "schema":
        return None if top in CONVERTER_SDK else "the converter uses the public header, format/ and the schema only"
    if top in CONVERTER_ALLOWED and top not in CONVERTER_ALLOWED[layer]:
        return "converter/src/%s is not below converter/src/%s" % (top, layer)
    return None


def check_text(area, layer, path, text):
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        m = INCLUDE.match(line)
        if m:
            why = violation(area, layer, m.group(1))
            if why:
                problems.append("%s:%d: #include \"%s\": %s" % (path, number, m.group(1), why))
    return problems


def sources(root, base):
    for directory, dirs, files in os.walk(os.path.join(root, base)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(SOURCE_EXTENSIONS):
                path = os.path.join(directory, name)
                rel = os.path.relpath(path, os.path.join(root, base))
                yield os.path.relpath(path, root), rel.split(os.sep)[0], path


def check_tree(root):
    problems, count = [], 0
    for area, base, known in (("sdk", "sdk/src", set(SDK_ALLOWED) | {"cli"}),
                              ("converter", "converter/src", set(CONVERTER_ALLOWED))):
        for rel, layer, path in sources(root, base):
            if layer not in known:
                problems.append("%s: %s/%s is not a declared layer (add it to %s)" %
                                (rel, base, layer, os.path.basename(__file__)))
                continue
            with open(path, encoding="utf-8") as f:
                problems += check_text(area, layer, rel, f.read())
            count += 1
    # The CMake libraries declare the same order.
    for layer in SDK_ALLOWED:
        path = os.path.join(root, "sdk", "src", layer, "CMakeLists.txt")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for call in re.findall(r"embert_layer\(([^)]*)\)", text):
            m = re.search(r"\bDEPENDS\s+([^\n]*?)(?:\s+(?:LINK|SOURCES)\b|$)", call, re.S)
            for dep in (m.group(1).split() if m else []):
                if dep not in SDK_ALLOWED[layer] or dep == layer:
                    problems.append("sdk/src/%s/CMakeLists.txt: %s DEPENDS %s, which is not below it" %
                                    (layer, layer, dep))
    return problems, count


def self_test():
    """The rules reject what they should (so that a passing run means something)."""
    bad = [("sdk", "kernels", '#include "model/model.h"'),
           ("sdk", "backend", '#include "schema/embert_generated.h"'),
           ("sdk", "model", '#include "backend/pack_layouts.h"'),
           ("sdk", "context", '#include "encoder/observer.h"'),
           ("sdk", "tokenizer", '#include "kernels/attention.h"'),
           ("sdk", "cli", '#include "core/status.h"'),
           ("sdk", "cli", '#include <model/model.h>'),
           ("sdk", "decode", '#include "memory/arena.h"'),
           ("sdk", "tokenizer", '#include "decode/entities.h"'),
           ("sdk", "encoder", '#include "heads/head_unit.h"'),
           ("converter", "quantize", '#include "context/context.h"'),
           ("converter", "readers", '#include "import/bert_model.h"'),
           ("converter", "import", '#include "quantize/smoothing.h"'),
           ("converter", "quantize", '#include "write/embert_writer.h"'),
           ("converter", "write", '#include "convert/convert.h"')]
    good = [("sdk", "model", '#include "format/pack_layouts.h"'),
            ("sdk", "api", '#include "encoder/heads.h"'),
            ("sdk", "heads", '#include "decode/answers.h"'),
            ("sdk", "api", '#include "decode/entities.h"'),
            ("sdk", "cli", '#include "embert/embert.h"'),
            ("sdk", "cli", '#include "args.h"'),
            ("converter", "write", '#include "format/pack_layouts.h"'),
            ("converter", "write", '#include "import/bert_model.h"'),
            ("converter", "tool", '#include "quantize/calibration.h"'),
            ("converter", "tool", '#include "convert/convert.h"')]
    failures = []
    for area, layer, line in bad:
        if not check_text(area, layer, "x", line):
            failures.append("self-test: not rejected in %s/%s: %s" % (area, layer, line))
    for area, layer, line in good:
        if check_text(area, layer, "x", line):
            failures.append("self-test: rejected in %s/%s: %s" % (area, layer, line))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser.add_argument("--stamp")
    args = parser.parse_args()
    problems = self_test()
    found, count = check_tree(os.path.abspath(args.root))
    problems += found
    for p in problems:
        print(p)
    if problems:
        print("layering: %d violation(s) of the layer order (CONTRIBUTING.md, \"Layers of the SDK\")" % len(problems))
        return 1
    print("layering: %d files follow the layer order" % count)
    if args.stamp:
        with open(args.stamp, "w") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
