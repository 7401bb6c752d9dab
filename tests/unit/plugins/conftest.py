# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests of modules and module_utils."""

from __future__ import annotations

import importlib
import io
import json
from contextlib import redirect_stdout

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.text.converters import to_bytes

try:  # ansible-core 2.19+: once controller code is imported, a module's warnings go to the display
    from ansible.module_utils import _internal as ansible_internal
except ImportError:
    ansible_internal = None


@pytest.fixture(name="module_main")
def module_main_fixture(monkeypatch):
    """Run a module's main() with the given arguments as AnsiballZ would and return its JSON result."""
    def runner(module_name, args):
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args})
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(payload))
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
        # warnings are process-wide; a module run starts with none (each task runs in a process of its own), and
        # they are returned with the result, not shown by the controller, which another test may have imported
        if ansible_internal is not None:
            monkeypatch.setattr(ansible_internal, "is_controller", False, raising=False)
        fresh = type(ansible_warnings._global_warnings)()  # pylint: disable=protected-access
        monkeypatch.setattr(ansible_warnings, "_global_warnings", fresh)
        module = importlib.import_module("ansible_collections.msp.connectwise.plugins.modules.%s" % module_name)
        out = io.StringIO()
        with redirect_stdout(out), pytest.raises(SystemExit):
            module.main()
        return json.loads(out.getvalue())
    return runner
