"""A hostile server gets no credential to hand on, and the output carries none.

Two listeners on 127.0.0.1 play the parts: the "site" the modules are pointed at, which answers lists with a
``Link: rel=next`` to the other listener, redirects there, echoes the Authorization header in its error bodies,
trickles an answer a byte at a time or pages without end; and the "other" listener, which records every request
that reaches it. The collection's modules run through ansible-playbook at -vvvv, once in the controller process
and once shipped as ordinary modules; afterwards the other listener must have seen nothing, and no form of the
private key (plain, company+public:private, base64) may appear in what Ansible printed or recorded.
"""

import base64
import json
import os
import sys

import pytest
import yaml

from conftest import REPO, harness

sys.path[:0] = [os.path.join(REPO, "simulator"), os.path.join(REPO, "tests", "unit", "plugins", "module_utils")]
# pylint: disable=wrong-import-position
from cwsim.tlsutil import make_certificate  # noqa: E402
from local_http import Listener, send, trickle, wait_for_list  # noqa: E402

COMPANY = "hostile"
PUBLIC = "HostilePub01"
PRIVATE = "Hostile/Priv+Key0=="
PAIR = "%s+%s:%s" % (COMPANY, PUBLIC, PRIVATE)
SECRETS = sorted({PRIVATE, PAIR, base64.b64encode(PAIR.encode()).decode(), base64.b64encode(PAIR.encode()).decode().rstrip("="),
                  base64.urlsafe_b64encode(PAIR.encode()).decode(), base64.b64encode(PRIVATE.encode()).decode()})
ROLES = "/v4_6_release/apis/3.0/system/securityroles"


def hostile(other_url, trickled=None):
    """The site's answers; the first path segment picks the misbehaviour (``trickled`` collects the bytes the
    trickling answer sent before the client hung up)."""
    def respond(handler):
        path = handler.path.split("?", 1)[0]
        kind = path.split("/")[1]
        auth = handler.headers.get("Authorization") or ""
        echo = json.dumps({"code": "Boom", "message": "rejected %s, that is %s" % (
            auth, base64.b64decode(auth.split(" ", 1)[-1]).decode() if auth else "")}).encode()
        if kind == "discover" and "/login/companyinfo/" in path:
            send(handler, body=b'{"Codebase": "v4_6_release/"}')
        elif kind in ("next", "discover"):
            send(handler, headers={"Link": '<%s/steal%s?page=2>; rel="next"' % (other_url, ROLES)})
        elif kind == "redirect":
            send(handler, 302, b"", {"Location": other_url + "/steal" + ROLES})
        elif kind == "echo500":
            send(handler, 500, echo)
        elif kind == "echo401":
            send(handler, 401, echo)
        elif kind == "echotext":
            send(handler, 400, b"<html>bad request, you sent " + auth.encode() + b"</html>")
        elif kind == "forever":
            page = int(handler.path.rsplit("page=", 1)[-1]) if "page=" in handler.path else 1
            send(handler, headers={"Link": '</forever%s?page=%d>; rel="next"' % (ROLES, page + 1)})
        elif kind == "trickle":
            trickle(handler, 200, 0.5, trickled)
        else:
            send(handler)
    return respond


# (task name, module arguments beyond the credentials, phrase its message holds or None for success)
TASKS = [
    ("next link to another port", {"site": "{{ site }}/next"}, "next-page link to"),
    ("redirect to another port", {"site": "{{ site }}/redirect"}, "redirect (HTTP 302)"),
    ("error that echoes the Authorization header", {"site": "{{ site }}/echo500"}, "HTTP 500"),
    ("401 that echoes the Authorization header", {"site": "{{ site }}/echo401"}, "rejected the credentials (401)"),
    ("plain-text error that echoes it", {"site": "{{ site }}/echotext"}, "400"),
    ("discovery without credentials, then a next link elsewhere", {"site": "{{ site }}/discover", "codebase": None},
     "next-page link to"),
    ("an answer that trickles", {"site": "{{ site }}/trickle", "timeout": 2}, "whole answer"),
    ("pages without end", {"site": "{{ site }}/forever"}, "after 100 pages"),
    ("a plain-HTTP site given without a scheme", {"site": "{{ site | regex_replace('^http://', '') }}"}, "does not speak TLS"),
    ("a ca_path that does not exist", {"site": "{{ tls_site }}", "ca_path": "/nonexistent/hostile-ca.pem"},
     "/nonexistent/hostile-ca.pem"),
    ("TLS without verification", {"site": "{{ tls_site }}/ok", "validate_certs": False}, None),
]


@pytest.fixture(name="listeners")
def listeners_fixture(tmp_path):
    other = Listener(send)
    trickled = []
    site = Listener(hostile(other.url, trickled))
    tls = Listener(hostile(other.url), certificate=make_certificate(str(tmp_path / "tls")))
    yield site, other, tls, trickled
    for listener in (site, tls, other):
        listener.close()


def playbook(path):
    tasks = []
    for name, args, _phrase in TASKS:
        module_args = {k: v for k, v in args.items() if v is not None}
        if "codebase" not in args:
            module_args["codebase"] = "v4_6_release"
        module_args.update(name="Admin", include_settings=False)
        # each task's failure is the finding: the test reads every result (status, message) from the record callback
        tasks.append({"name": name, "msp.connectwise.cw_security_role_info": module_args, "ignore_errors": True})
    play = {"name": "A hostile ConnectWise", "hosts": "hostile", "gather_facts": False,
            "module_defaults": {"group/msp.connectwise.connectwise": {
                "company_id": COMPANY, "public_key": PUBLIC, "private_key": PRIVATE, "client_id": "cid", "retries": 0,
                "timeout": 10}},
            "tasks": tasks}
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([play], handle, sort_keys=False)


@pytest.mark.parametrize("in_process", [True, False], ids=["in-process", "shipped"])
def test_no_credential_leaves_for_another_host_or_reaches_the_output(tmp_path, listeners, in_process):
    site, other, tls, trickled = listeners
    lab = harness.Lab(str(tmp_path / "lab"))  # only its way of running ansible-playbook; no simulator is started
    os.makedirs(os.path.join(lab.inventory), mode=0o700)
    with open(lab.password_file, "w", encoding="utf-8") as handle:
        handle.write("unused\n")
    with open(os.path.join(lab.inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump({"all": {"hosts": {"hostile": {
            "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            "site": site.url, "tls_site": tls.url, "msp_connectwise_in_process": in_process}}}}, handle)
    path = os.path.join(lab.work, "hostile.yml")
    playbook(path)
    log = os.path.join(lab.work, "ansible.log")

    run = lab.playbook(path, "-vvvv", env={"ANSIBLE_LOG_PATH": log, "ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "1"}, timeout=600)

    assert run.returncode == 0, str(run)  # every failure is ignored; a crash of the play is not
    assert other.seen == [], "the other listener received requests: %s" % other.seen
    records = {r["task"]: r for r in run.records()}
    for name, _args, phrase in TASKS:
        result = records[name]["result"]
        if phrase is None:
            assert records[name]["status"] == "ok", "%s: %s" % (name, result)
            continue
        assert records[name]["status"] == "failed", "%s: %s" % (name, result)
        assert phrase in result["msg"], "%s: %s" % (name, result["msg"])
        assert "MODULE FAILURE" not in result["msg"] and "Traceback" not in result["msg"], result["msg"]
    # the unauthenticated discovery call went without credentials, the calls after it with them
    discovery = [auth for path, auth in site.seen if path.startswith("/discover/login/companyinfo/")]
    assert discovery == [None], site.seen
    assert all(auth for path, auth in site.seen if not path.startswith("/discover/login/"))
    # 100 pages were read from the endless pager, not one more
    assert sum(1 for path, _auth in site.seen if path.startswith("/forever/")) == 100
    # the trickling answer (200 bytes at one every 0.5 s) was cut at its timeout, not read to its end
    assert wait_for_list(trickled)[0] < 20, trickled

    with open(log, encoding="utf-8") as handle:
        printed = run.output + handle.read() + json.dumps(run.records())
    leaks = [secret for secret in SECRETS if secret in printed]
    assert not leaks, "credential forms in the output: %s" % leaks
    # plain HTTP and unverified TLS are each said once per module run, and urllib3 is not heard
    assert "InsecureRequestWarning" not in printed
    assert run.output.count("[WARNING]: validate_certs is false") == 1, run.output[-4000:]
    assert run.output.count("[WARNING]: The site http://") == 8, run.output[-4000:]
