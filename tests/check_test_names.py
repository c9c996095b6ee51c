#!/usr/bin/env python3
"""Every ctest name starts with its area and a dot (CONTRIBUTING.md, "Test names").

The area is the folder whose CMakeLists.txt registers the test: tests/<area>/ gives
<area>, tests/ itself gives `tests`, platforms/firmware-example/ gives `firmware`.
GoogleTest cases get it from gtest_discover_tests(... TEST_PREFIX "<area>."), scripted
tests from their add_test name. Reads `ctest --show-only=json-v1`, which says where each
test was registered; discovered GoogleTest cases carry no backtrace, their working directory
(gtest_discover_tests' default: the registering folder's build folder) says it.

  check_test_names.py --ctest CTEST --build BUILD_DIR --source SOURCE_DIR
"""
import argparse
import json
import os
import subprocess
import sys

SPECIAL = {"tests": "tests", "platforms/firmware-example": "firmware"}


def area_of(path, roots):
    for root in roots:
        rel = os.path.relpath(os.path.dirname(os.path.realpath(path)), root)
        if rel.startswith(".."):
            continue
        if rel in SPECIAL:
            return SPECIAL[rel]
        parts = rel.split(os.sep)
        if len(parts) >= 2 and parts[0] == "tests":
            return parts[1]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctest", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    out = subprocess.run([args.ctest, "--test-dir", args.build, "--show-only=json-v1"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    graph = doc["backtraceGraph"]
    roots = [os.path.realpath(args.source), os.path.realpath(args.build)]
    bad = []
    for test in doc["tests"]:
        name = test["name"]
        if "backtrace" in test:
            path = graph["files"][graph["nodes"][test["backtrace"]]["file"]]
        else:
            wd = [p["value"] for p in test.get("properties", []) if p["name"] == "WORKING_DIRECTORY"]
            path = os.path.join(wd[0], "CMakeLists.txt") if wd else "(no backtrace, no working directory)"
        area = area_of(path, roots)
        if area is None:
            bad.append(f"{name}: registered in {path}, outside the folders that name an area")
        elif not name.startswith(area + ".") or len(name) == len(area) + 1:
            bad.append(f"{name}: registered in {os.path.dirname(path)}, should start with '{area}.'")
    for b in bad:
        print(b)
    print(f"{len(doc['tests'])} tests, {len(bad)} not named <area>.<name>")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
