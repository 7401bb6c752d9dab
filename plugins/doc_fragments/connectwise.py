# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation fragments shared by the msp.connectwise modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """Shared connection options, the action group attribute and the common attributes."""

    DOCUMENTATION = r"""
options:
  site:
    description:
      - The ConnectWise Manage site.
      - A cloud UI host such as V(na.myconnectwise.net), V(eu.myconnectwise.net), V(au.myconnectwise.net),
        V(aus.myconnectwise.net), V(za.myconnectwise.net) or V(staging.connectwisedev.com) is rewritten to its API host
        (V(api-na.myconnectwise.net) and so on) and reached over HTTPS.
      - An on-premises host name is reached over HTTPS as given.
      - A full URL such as V(https://cw.example.com) or V(http://127.0.0.1:8080) is used as given; a URL that already
        ends in C(/<codebase>/apis/3.0) also fixes the codebase.
      - An C(http://) site sends the API keys unencrypted; the module warns about it once per run.
      - The credentials go to this site and nowhere else. Redirects are not followed (set the site to the address
        that serves the API), and a paging link to another scheme, host or port is an error.
      - If not set, the value of the E(CW_MANAGE_SITE) environment variable is used.
    type: str
    required: true
  company_id:
    description:
      - The company id used at the ConnectWise login screen; it selects the tenant.
      - If not set, the value of the E(CW_MANAGE_COMPANY_ID) environment variable is used.
    type: str
    required: true
  public_key:
    description:
      - Public half of the API key pair the module authenticates with.
      - If not set, the value of the E(CW_MANAGE_PUBLIC_KEY) environment variable is used.
    type: str
    required: true
  private_key:
    description:
      - Private half of the API key pair. It is never logged or returned.
      - If not set, the value of the E(CW_MANAGE_PRIVATE_KEY) environment variable is used.
    type: str
    required: true
  client_id:
    description:
      - The integration's clientId from the ConnectWise developer portal, sent as the C(clientId) header on every call.
        ConnectWise rejects API calls without it.
      - If not set, the value of the E(CW_MANAGE_CLIENT_ID) environment variable is used.
    type: str
    required: true
  codebase:
    description:
      - The codebase path segment, for example V(v4_6_release/).
      - When not set it is discovered with C(GET /login/companyinfo/{company_id}); on-premises servers that do not
        answer that call use V(v4_6_release/).
    type: str
  api_version:
    description:
      - "Pin the API model version, sent as C(Accept: application/vnd.connectwise.com+json; version=<api_version>),
        for example V(2025.1). When not set the server answers with its newest models."
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only switch this off for a test server; the module warns once per run
        when it is off.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM CA bundle used to verify the server's certificate instead of the system store. It must exist.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP connect and for the server to start answering; the whole answer must then
        arrive within as many seconds again, however slowly its bytes come.
    type: float
    default: 30
  retries:
    description:
      - How often a request is retried after HTTP 429 (honouring C(Retry-After) up to 60 seconds), 502, 503, 504 or a
        connection error, with capped exponential backoff and jitter.
      - A create (POST) is only repeated after a 429. After any other failure of a create whose outcome is unknown,
        the module first looks the object up and only creates it again when it is not there.
    type: int
    default: 3
requirements:
  - requests (on the host that runs the module; the controller when the task runs there)
notes:
  - "When the task runs on the controller (C(connection: local) or C(delegate_to: localhost)) the module runs inside
    the controller process through the collection's action plugin, which saves the module start-up cost; on any
    other host, with C(become), C(async) or a task C(environment), it is shipped and run as an ordinary module. The
    results are the same either way. Set the variable C(msp_connectwise_in_process=false) to always ship it."
"""

    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/msp.connectwise.connectwise) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - msp.connectwise.connectwise
"""

    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    details: This module only reads.
  diff_mode:
    support: N/A
    details: This module only reads.
"""
