"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test seeds pip into each of its sanity virtualenvs with a script it downloads from Ansible's
CI file server, which package-registry-only networks cannot reach. This file is installed as that
cached script (``~/.ansible/test/cache/get_pip_<version>.py``). ansible-test runs it with pip's
command-line options and the pinned ``pip==<version>`` requirement: it seeds pip from the standard
library's ``ensurepip`` and then lets that pip install exactly what ansible-test asked for from the
package index.
"""

import subprocess
import sys

# get-pip.py understands these two; pip itself does not.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    pip_args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + pip_args, check=True)


if __name__ == "__main__":
    main()
