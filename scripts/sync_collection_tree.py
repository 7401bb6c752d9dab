"""Mirror the working tree into a path that ansible-test accepts.

ansible-test insists on running from inside ``.../ansible_collections/<ns>/<name>/`` and resolves
symlinks, so the repository root (which is the collection) is copied there: the files git tracks
plus the untracked ones it does not ignore, exactly the set ansible-test itself would consider.
Files that disappeared from the working tree are removed from the copy so stale plugins never
linger between runs.
"""

import argparse
import os
import shutil
import subprocess
import sys


def source_files(repo):
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo, check=True, capture_output=True,
    ).stdout.decode("utf-8")
    return sorted({name for name in listing.split("\0") if name and os.path.lexists(os.path.join(repo, name))})


def sync(repo, dest):
    wanted = source_files(repo)
    wanted_set = set(wanted)
    os.makedirs(dest, exist_ok=True)
    for name in wanted:
        src = os.path.join(repo, name)
        dst = os.path.join(dest, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        src_stat = os.lstat(src)
        try:
            dst_stat = os.lstat(dst)
            if dst_stat.st_mtime_ns == src_stat.st_mtime_ns and dst_stat.st_size == src_stat.st_size \
                    and dst_stat.st_mode == src_stat.st_mode:
                continue
        except FileNotFoundError:
            pass
        if os.path.islink(dst) or os.path.isfile(dst):
            os.unlink(dst)
        shutil.copy2(src, dst, follow_symlinks=False)
    for root, dirs, files in os.walk(dest, topdown=True):
        rel_root = os.path.relpath(root, dest)
        dirs[:] = [d for d in dirs if not _scratch(os.path.normpath(os.path.join(rel_root, d)))]
        for name in files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            if rel not in wanted_set and not _scratch(rel):
                os.unlink(os.path.join(root, name))


def _scratch(rel):
    """Paths the tools write inside the copy; they are not source and must survive a re-sync."""
    return rel in (".git", "tests/output", ".ansible", "collections", "tests/integration/inventory",
                   "tests/integration/integration_config.yml") or os.path.basename(rel) == "__pycache__"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", help="the .../ansible_collections/msp/connectwise directory to fill")
    args = parser.parse_args()
    repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True, text=True).stdout.strip()
    dest = os.path.abspath(args.dest)
    sync(repo, dest)
    # ansible-test lists files through git when it finds a repository; give the copy its own
    # index so that listing matches the source set above.
    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
