#!/usr/bin/env python3
"""Runs the command blocks of the docs, so that what a user pastes works (docs/ci.md, "Tested docs").

    scripts/doc-test.py [--build-dir build] [--keep] [--list] [FILE.md ...]   (default: README.md docs/*.md)
    scripts/doc-test.py --consumer DIR      writes the docs' consumer project into DIR

Every fenced ```sh, ```bash or ```console block (of a console block, the lines after "$ ") runs
with bash -euo pipefail in a fresh temporary folder per Markdown file, the file's blocks in order in
that folder, so that one block may use what an earlier one wrote. The folder holds `examples`,
`tools` and `scripts` of the source tree and `build` (the build folder) as symbolic links; the
build folder is first on PATH (`zokml`), and all files share one artifact cache (ZOKML_CACHE_DIR).
A failure names the file, the block's line, the failing command's line and its output; the rest
of that file's blocks are not run.

A comment on the line before a block (blank lines between are allowed) changes what is done:
  <!-- doc-test: skip (why) -->      the block is not run: a long run, a placeholder, a resource
                                      CI lacks; the reason is required and printed in the summary
  <!-- doc-test: same-as PATH -->    the block must equal the source tree's PATH (as JSON values
                                      for a ```json block, else line by line)
Every ```cpp block's `#include "zokml/..."` must name a header of include/. The ```cmake block and
the ```cpp blocks that are whole programs (with `int main(`) are not run here: --consumer writes
them as a project (the cmake block as CMakeLists.txt, each program as one more executable) that
the install-consumer test builds against an installed zokml (test/install_consumer/run.cmake).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_LANGUAGES = {"sh", "bash", "console"}
LINKED = ["examples", "tools", "scripts"]  # source folders the docs' commands name
BLOCK_TIMEOUT = 600  # seconds; a block that needs longer is marked skipped
HEADER = "set -euo pipefail\ntrap 'echo \"doc-test-failed $LINENO $?: $BASH_COMMAND\" >&2' ERR\n"

FENCE = re.compile(r"^(\s*)(`{3,})\s*([\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
DIRECTIVE = re.compile(r"^(?:skip \((?P<why>.+)\)|same-as (?P<path>\S+))$")


class Block:
    def __init__(self, file, line, language, body, directive):
        self.file, self.line, self.language, self.body = file, line, language, body
        self.skip_reason = directive.group("why") if directive else None
        self.same_as = directive.group("path") if directive else None

    def where(self):
        return f"{self.file}:{self.line}"

    def script(self):
        """The block as bash runs it; the line of script line k is self.line + k - 2."""
        lines = self.body
        if self.language == "console":
            lines = [l[2:] if l.startswith("$ ") else "" for l in lines]
        return HEADER + "\n".join(lines) + "\n"


def blocks_of(path, errors):
    """The fenced blocks of a Markdown file, with the directive of the comment before each."""
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence, language = opening.group(1), opening.group(2), opening.group(3)
        end = i + 1
        while end < len(lines) and not re.match(r"^\s*" + fence + r"`*\s*$", lines[end]):
            end += 1
        if end == len(lines):
            errors.append(f"{name}:{i + 1}: the block is not closed")
            return blocks
        before = i - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        directive = None
        marker = MARKER.match(lines[before]) if before >= 0 else None
        if marker:
            directive = DIRECTIVE.match(marker.group(1))
            if not directive:
                errors.append(f"{name}:{before + 1}: unknown doc-test comment '{marker.group(1)}' "
                              "(expected 'skip (why)' or 'same-as PATH')")
        body = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in lines[i + 1:end]]
        blocks.append(Block(name, i + 1, language, body, directive))
        i = end + 1
    return blocks


def check_static(block, errors):
    """The checks that need no run: a shown file equals the shipped one, included headers exist."""
    if block.same_as:
        shipped = ROOT / block.same_as
        if not shipped.is_file():
            errors.append(f"{block.where()}: same-as {block.same_as}: no such file")
        elif block.language == "json":
            try:
                if json.loads("\n".join(block.body)) != json.loads(shipped.read_text(encoding="utf-8")):
                    errors.append(f"{block.where()}: the block differs from {block.same_as}")
            except json.JSONDecodeError as e:
                errors.append(f"{block.where()}: not JSON: {e}")
        elif [l.rstrip() for l in block.body] != shipped.read_text(encoding="utf-8").rstrip("\n").split("\n"):
            errors.append(f"{block.where()}: the block differs from {block.same_as}")
    if block.language == "cpp":
        for k, line in enumerate(block.body):
            include = re.match(r'\s*#\s*include\s+"(zokml/[^"]+)"', line)
            if include and not (ROOT / "include" / include.group(1)).is_file():
                errors.append(f"{block.file}:{block.line + 1 + k}: #include \"{include.group(1)}\": "
                              "no such header in include/")


def run_file(blocks, build_dir, scratch, cache, failures):
    """Runs a file's runnable blocks in order in one fresh folder; returns how many ran."""
    folder = Path(tempfile.mkdtemp(prefix=re.sub(r"\W", "-", blocks[0].file) + "-", dir=scratch))
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    (folder / "build").symlink_to(build_dir)
    env = dict(os.environ, PATH=f"{build_dir}{os.pathsep}{os.environ.get('PATH', '')}", ZOKML_CACHE_DIR=str(cache))
    ran = 0
    for block in blocks:
        script = folder.parent / (folder.name + ".sh")
        script.write_text(block.script(), encoding="utf-8")
        started = time.monotonic()
        process = subprocess.Popen(["bash", str(script)], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, code = process.communicate(timeout=BLOCK_TIMEOUT)[0], process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)  # the block's commands too, not bash alone
            output, code = process.communicate()[0], None
        output = output.decode(errors="replace")
        ran += 1
        seconds = time.monotonic() - started
        if code == 0:
            print(f"ok    {block.where()}  {seconds:.1f} s", flush=True)
            continue
        failed = re.findall(r"^doc-test-failed (\d+) (\d+): (.*)$", output, re.M)
        output = re.sub(r"^doc-test-failed .*\n?", "", output, flags=re.M)
        if code is None:
            what = f"timed out after {BLOCK_TIMEOUT} s (mark it <!-- doc-test: skip (why) --> if it must be long)"
        elif failed:
            line, status, command = failed[-1]
            what = f"line {block.line + int(line) - 2}: `{command}` exited with code {status}"
        else:
            what = f"exited with code {code}"
        tail = "\n".join(output.rstrip("\n").split("\n")[-40:])
        failures.append(f"{block.where()} ({block.language} block), {what}\n{tail}")
        print(f"FAIL  {block.where()}  {seconds:.1f} s: {what}\n{tail}", flush=True)
        return ran, len(blocks) - ran
    return ran, 0


def write_consumer(files, out):
    """The docs' consumer project: the ```cmake block, and each whole ```cpp program as an executable."""
    cmake, programs, errors = [], [], []
    for path in files:
        for block in blocks_of(path, errors):
            if block.skip_reason:
                continue
            if block.language == "cmake":
                cmake.append(block)
            elif block.language == "cpp" and any(re.match(r"\s*int\s+main\s*\(", l) for l in block.body):
                programs.append(block)
    if len(cmake) != 1:
        errors.append(f"expected one ```cmake block (a consumer's CMakeLists.txt) in the docs, found {len(cmake)}")
    if errors:
        sys.exit("\n".join(errors))
    out.mkdir(parents=True, exist_ok=True)
    text = "\n".join(cmake[0].body) + "\n\n# doc-test: the docs' whole programs, compiled against the installation\n"
    for block in programs:
        name = "doc_" + re.sub(r"\W", "_", Path(block.file).stem) + f"_{block.line}"
        # #line: the compiler's messages name the Markdown file and its line
        (out / f"{name}.cpp").write_text(f'#line {block.line + 1} "{block.file}"\n' + "\n".join(block.body) + "\n",
                                         encoding="utf-8")
        text += f"add_executable({name} {name}.cpp)\ntarget_link_libraries({name} PRIVATE zokml::zokml)\n"
        print(f"{block.where()}: {name}")
    (out / "CMakeLists.txt").write_text(text, encoding="utf-8")
    print(f"{cmake[0].where()}: CMakeLists.txt")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="Markdown files (default: README.md and docs/*.md)")
    parser.add_argument("--build-dir", default=str(ROOT / "build"), help="the build folder, with zokml")
    parser.add_argument("--list", action="store_true", help="list the blocks and what would be done, run none")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (printed)")
    parser.add_argument("--consumer", metavar="DIR", help="write the docs' consumer project into DIR, run nothing")
    args = parser.parse_args()
    files = [Path(f).resolve() for f in args.files] or [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    if args.consumer:
        write_consumer(files, Path(args.consumer))
        return 0

    build_dir = Path(args.build_dir).resolve()
    if not args.list and not os.access(build_dir / "zokml", os.X_OK):
        sys.exit(f"doc-test: no zokml in {build_dir} (build first, or give --build-dir)")
    started = time.monotonic()
    errors, failures, skipped = [], [], []
    ran = not_run = 0
    scratch = Path(tempfile.mkdtemp(prefix="zokml-doc-test-"))
    try:
        for path in files:
            blocks = blocks_of(path, errors)
            runnable = []
            for block in blocks:
                check_static(block, errors)
                if block.language not in RUN_LANGUAGES:
                    continue
                if block.skip_reason:
                    skipped.append(block)
                    print(f"skip  {block.where()}  ({block.skip_reason})")
                else:
                    runnable.append(block)
                    if args.list:
                        print(f"run   {block.where()}")
            if runnable and not args.list:
                done, left = run_file(runnable, build_dir, scratch, scratch / "cache", failures)
                ran, not_run = ran + done, not_run + left
    finally:
        if args.keep:
            print(f"doc-test: folders kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    for error in errors:
        print(f"FAIL  {error}")
    print(f"doc-test: {ran} blocks run ({len(failures)} failed, {not_run} not run after a failure), "
          f"{len(skipped)} skipped, {len(errors)} other errors, {time.monotonic() - started:.0f} s")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
