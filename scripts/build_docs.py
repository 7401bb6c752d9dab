"""Build the HTML documentation site: the user guide first, then the collection reference.

1. copy the collection into ``<work>/collections/ansible_collections/msp/connectwise`` (the set of
   files git would see, like the test trees) so ansible-doc finds exactly this checkout;
2. ``antsibull-docs collection --use-current --squash-hierarchy`` writes the reference RST (every
   module, the action plugin, the filter, the role and the guides of ``docs/docsite``) under
   ``<work>/rst/reference``;
3. the site's first page, ``index.rst``, is the user guide of ``docs/docsite/rst/user_guide.rst``
   followed by the table of contents;
4. ``sphinx-build -W`` (every warning is an error, every reference must resolve) writes HTML to
   ``<work>/html``.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)

INDEX_TAIL = """

Contents
========

.. toctree::
   :maxdepth: 1

   reference/docsite/awx_guide
   reference/docsite/release_process
   reference/index
   changelog
"""


def run(command, **kwargs):
    print("$ %s" % " ".join(command), flush=True)
    if subprocess.run(command, check=False, **kwargs).returncode:
        raise SystemExit("docs: FAILED: %s exited non-zero (see its messages above)" % command[0])


def site_index(guide_path):
    """The user guide as the root page, without its label (the reference copy keeps it)."""
    with open(guide_path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    while lines and (not lines[0].strip() or lines[0].startswith(".. _")):
        lines.pop(0)
    return "\n".join(lines) + INDEX_TAIL


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory; the site lands in <work>/html")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    started = time.monotonic()
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"], ANSIBLE_NOCOLOR="1")

    collections = os.path.join(work, "collections")
    tree = os.path.join(collections, "ansible_collections", "msp", "connectwise")
    run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), tree], cwd=REPO)
    env["ANSIBLE_COLLECTIONS_PATH"] = collections

    rst = os.path.join(work, "rst")
    shutil.rmtree(rst, ignore_errors=True)
    reference = os.path.join(rst, "reference")
    os.makedirs(reference)
    os.chmod(reference, 0o755)  # antsibull-docs wants its output directory writable by its owner only
    run(["antsibull-docs", "collection", "--use-current", "--squash-hierarchy", "--fail-on-error",
         "--dest-dir", reference, "msp.connectwise"], env=env, cwd=work)
    with open(os.path.join(rst, "index.rst"), "w", encoding="utf-8") as handle:
        handle.write(site_index(os.path.join(REPO, "docs", "docsite", "rst", "user_guide.rst")))
    # Labels of the Ansible documentation that generated pages refer to (intersphinx needs network).
    shutil.copy(os.path.join(REPO, "docs", "site", "ansible_docs.rst"), os.path.join(rst, "ansible_docs.rst"))
    changelog = os.path.join(REPO, "CHANGELOG.rst")
    with open(os.path.join(rst, "changelog.rst"), "w", encoding="utf-8") as handle:
        if os.path.exists(changelog):
            with open(changelog, encoding="utf-8") as source:
                handle.write(source.read())
        else:
            handle.write("Changelog\n=========\n\nNo release yet: the changes of the coming release are the fragments\n"
                         "in ``changelogs/fragments``; ``make release-notes`` previews them.\n")

    html = os.path.join(work, "html")
    shutil.rmtree(html, ignore_errors=True)
    run(["sphinx-build", "-q", "-b", "html", "-W", "--keep-going", "-c", os.path.join(REPO, "docs", "site"),
         rst, html], env=env)
    pages = sum(1 for walked in os.walk(html) for name in walked[2] if name.endswith(".html"))
    print("docs: %d HTML pages in %s (first page: %s) in %.0f s"
          % (pages, html, os.path.join(html, "index.html"), time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
