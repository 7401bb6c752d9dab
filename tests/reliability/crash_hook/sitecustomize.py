"""Test-only crash hook: with CW_CRASH_AT set, SIGKILL the whole ansible-playbook process group at a precise
point of the vault write that stores a key, as a power cut or an OOM kill would. That is the first write to a vault
file that already exists: a run records its claim on the role and member in a new vault file before it makes them.

* ``vault-midwrite``: half of the ciphertext is in the temp file next to the vault file;
* ``vault-before-rename``: the temp file is complete and fsync'ed, the rename has not happened.

Put this directory on PYTHONPATH of the ansible-playbook run only.
"""

import os
import signal

CRASH_AT = os.environ.get("CW_CRASH_AT", "")
VAULT_NAME = os.environ.get("CW_CRASH_VAULT_NAME", "connectwise.vault.yml")

if CRASH_AT:
    _REAL_WRITE = os.write
    _REAL_REPLACE = os.replace
    # read in ansible-playbook itself at start-up; its workers inherit the value but run in groups of their own
    _CONTROLLER_GROUP = os.getpgrp()

    def _crash():
        os.killpg(_CONTROLLER_GROUP, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    def _vault_temp(descriptor):
        try:
            name = os.readlink("/proc/self/fd/%d" % descriptor)
        except OSError:
            return False
        base = os.path.basename(name)
        return (base.startswith("." + VAULT_NAME + ".") and base.endswith(".tmp")
                and os.path.exists(os.path.join(os.path.dirname(name), VAULT_NAME)))

    def _write(descriptor, data):
        if CRASH_AT == "vault-midwrite" and _vault_temp(descriptor):
            _REAL_WRITE(descriptor, bytes(data[:max(1, len(data) // 2)]))
            os.fsync(descriptor)
            _crash()
        return _REAL_WRITE(descriptor, data)

    def _replace(src, dst, *args, **kwargs):
        if CRASH_AT == "vault-before-rename" and os.path.basename(os.fspath(dst)) == VAULT_NAME and os.path.exists(dst):
            _crash()
        return _REAL_REPLACE(src, dst, *args, **kwargs)

    os.write = _write
    os.replace = _replace
