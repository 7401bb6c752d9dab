# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error every ConnectWise call and check raises.

This module is internal to msp.connectwise. It stands alone so that the pure parts (permissions, profiles, the
role's plan and reports) can raise and catch it without importing the HTTP client and its libraries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name


class CWError(Exception):
    """A ConnectWise call failed; ``str(error)`` is one sentence that is safe to show."""

    def __init__(self, message, status=None, body=None, url=None, method=None, ambiguous=False):
        super(CWError, self).__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.url = url
        self.method = method
        # True when a write may or may not have reached the server (lost answer, 5xx, read timeout).
        self.ambiguous = ambiguous

    @property
    def unsupported(self):
        """The server does not offer this route or verb (an undocumented endpoint is absent)."""
        return self.status in (404, 405)
