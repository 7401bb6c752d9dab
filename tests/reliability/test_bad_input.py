"""Bad input to the role and the playbooks: one clear message, no Python traceback, no partial change.

Module-level bad input is covered by the integration targets and unit tests; these cases go through the role's
variables, the inventory and the playbooks, against a tenant that was never onboarded (so any write would show).
"""

import json
import os

import pytest
from ansible.parsing.vault import VaultLib, VaultSecret
from sim_inventory import write_private

from conftest import harness

LONG = "x" * 101
ROW = {"module": "System", "function": "Table Setup", "inquire": "All"}


def profile(**changes):
    base = dict(harness.profile("sophos_central"))
    base.update(changes)
    return base


# (case id, extra variables, inventory variable overrides, a phrase the one clear message contains)
CASES = [
    ("unknown-profile-name", {"integration_profile_name": "no_such_vendor"}, {}, "no_such_vendor"),
    ("missing-profile-file", {"integration_profile_file": "/nonexistent/profile.yml"}, {}, "/nonexistent/profile.yml"),
    ("profile-not-a-mapping", {"integration_profile": ["a", "list"]}, {}, "integration_profile"),
    ("profile-permissions-not-list", {"integration_profile": profile(permissions="all of them")}, {}, "permissions"),
    ("profile-unknown-level", {"integration_profile": profile(permissions=[dict(ROW, inquire="Everything")])}, {}, "Everything"),
    ("profile-row-without-function", {"integration_profile": profile(permissions=[{"module": "System", "inquire": "All"}])}, {},
     "function"),
    ("profile-unknown-function", {"integration_profile": profile(permissions=[dict(ROW, function="Time Travel")])}, {}, "Time Travel"),
    ("profile-unknown-module", {"integration_profile": profile(permissions=[dict(ROW, module="Spaceship")])}, {}, "Spaceship"),
    # the integrator login the role would create must not be left behind by a profile that fails later
    ("ensure-login-with-bad-profile", {"integration_integrator_login": "ensure", "integration_integrator_username": "new-integrator",
                                       "integration_profile": profile(permissions=[dict(ROW, function="Time Travel")])}, {}, "Time Travel"),
    ("profile-unknown-verb", {"integration_profile": profile(permissions=[dict(ROW, destroy="All")])}, {}, "destroy"),
    ("member-identifier-too-long", {"integration_member_identifier": "SixteenCharsLong"}, {}, "SixteenCharsLong"),
    ("member-name-too-long", {"integration_member_name": "N" * 31}, {}, "allows 1 to 30"),
    ("member-identifier-with-space", {"integration_member_identifier": "has space"}, {}, "contains whitespace"),
    ("member-name-whitespace-only", {"integration_member_name": "   "}, {}, "integration_member_name"),
    ("role-name-with-newline", {"integration_role_name": "Two\nLines"}, {}, "line break"),
    ("role-name-padded", {"integration_role_name": " Padded Role"}, {}, "starts or ends with whitespace"),
    ("half-adopt-pair", {"integration_adopt_public_key": "PUBLICONLY"}, {}, "one half of the adopt pair"),
    ("empty-integrator-username-with-ensure", {"integration_integrator_login": "ensure", "integration_integrator_username": ""}, {},
     "integration_integrator_username"),
    ("profile-verify-path-with-query", {"integration_profile": profile(verify=[{"path": "/procurement/catalog?pageSize=1"}])}, {},
     "put parameters in params"),
    ("relative-vault-file", {"integration_vault_file": "connectwise.vault.yml"}, {}, "is a relative path"),
    ("vault-file-dangling-symlink", {"integration_vault_file": "DANGLING"}, {}, "which does not exist"),
    ("bad-vault-prefix", {"integration_vault_prefix": "cw integration-"}, {}, "cw integration-"),
    # a vault file outside host_vars (Ansible itself loads those before any task) is read by the role, which names it
    ("vault-file-does-not-decrypt", {"integration_vault_file": "UNDECRYPTABLE"}, {}, "cannot be decrypted"),
    ("vault-file-not-yaml", {"integration_vault_file": "NOT_YAML"}, {}, "is not valid YAML"),
    # the default vault file sits in host_vars, which Ansible loads itself: the playbook's first play names it
    ("host-vars-vault-file-does-not-decrypt", {"integration_vault_file": "HOST_VARS_UNDECRYPTABLE"}, {},
     "/connectwise.vault.yml cannot be decrypted with the vault secrets this run loaded"),
    ("host-vars-vault-file-not-yaml", {"integration_vault_file": "HOST_VARS_NOT_YAML"}, {}, "/connectwise.vault.yml is not valid YAML"),
    ("bad-vault-namespace", {"integration_vault_namespace": "Bad-Name"}, {}, "lower_snake_case"),
    ("integrations-entry-unknown-key", {"cw_integrations": [{"profile": "hudu", "member": "HuduAPI"}]}, {}, "unknown key(s) member"),
    ("integrations-not-a-list", {"cw_integrations": "sophos_central"}, {}, "cw_integrations must be a list"),
    ("integrations-one-namespace-twice",
     {"cw_integrations": ["sophos_central", {"profile": "sophos_central", "member_identifier": "Sophos2"}]}, {},
     "two entries for the namespace"),
    ("profile-admin-role-type", {"integration_profile": profile(role={"name": "Vendor Admin", "role_type": "Admin"})}, {},
     "administrator role"),
    ("profile-name-with-a-path", {"integration_profile_name": "../../../../etc/hostname"}, {}, "etc/hostname"),
    ("adopt-pair-does-not-authenticate", {"integration_adopt_public_key": "NotAKeyAtAll", "integration_adopt_private_key": "Nope"},
     {}, "NotAKeyAtAll"),
    ("timeout-zero", {"integration_timeout": 0}, {}, "timeout"),
    ("unknown-level-id", {"integration_member_level": "999"}, {}, "999"),
    ("missing-ca-path", {"integration_ca_path": "/nonexistent/ca.pem"}, {}, "/nonexistent/ca.pem"),
    ("profile-verify-path-traversal", {"integration_profile": profile(verify=[{"path": "/system/../../../_sim/health"}])}, {},
     "without '..'"),
    ("key-description-too-long", {"integration_key_description": LONG}, {}, "description"),
    ("unknown-member-level", {"integration_member_level": "No Such Level"}, {}, "No Such Level"),
    ("unknown-time-zone", {"integration_member_time_zone": "Mars Standard Time"}, {}, "Mars Standard Time"),
    ("unknown-default-territory", {"integration_member_default_territory": "Atlantis Office"}, {}, "Atlantis Office"),
    ("bad-role-mode", {"integration_role_mode": "sometimes"}, {}, "integration_role_mode"),
    ("bad-integrator-login-mode", {"integration_integrator_login": "maybe"}, {}, "integration_integrator_login"),
    ("bad-manual-action", {"integration_on_manual_action": "shrug"}, {}, "integration_on_manual_action"),
    ("bad-verify", {"integration_verify": "sometimes"}, {}, "integration_verify"),
    ("timeout-not-a-number", {"integration_timeout": "soon"}, {}, "integration_timeout"),
    ("negative-retries", {"integration_retries": -1}, {}, "retries"),
    ("wrong-vault-id", {"integration_vault_id": "no_such_vault_id"}, {}, "no_such_vault_id"),
    ("unwritable-vault-path", {"integration_vault_file": "/proc/cw-cannot-write/connectwise.vault.yml"}, {}, "/proc/cw-cannot-write"),
    ("missing-client-id", {}, {"cw_client_id": ""}, "clientId"),
    ("no-bootstrap-key-in-the-inventory", {}, {"NO_BOOTSTRAP": True}, "Set cw_bootstrap_public_key for this tenant"),
    ("unreachable-site", {}, {"cw_site": "http://127.0.0.1:9"}, "127.0.0.1:9"),
    ("not-a-connectwise-site", {}, {"cw_site": "NOT_CW"}, "ConnectWise"),
    ("tls-failure", {}, {"cw_site": "TLS"}, "TLS verification failed"),
    ("unknown-company", {}, {"cw_company_id": "nosuchcompany"}, "nosuchcompany"),
    ("wrong-bootstrap-private-key", {}, {"cw_bootstrap_private_key": "not-the-key"}, "401"),
    ("revoked-bootstrap-key", {}, {"REVOKE": True}, "401"),
    ("site-not-a-url", {}, {"cw_site": "ftp://example"}, "ftp://example"),
]


@pytest.fixture(name="bad_lab", scope="module")
def bad_lab_fixture(tmp_path_factory):
    lab = harness.Lab(str(tmp_path_factory.mktemp("bad") / "lab"))
    lab.__enter__()  # pylint: disable=unnecessary-dunder-call
    tls = harness.Lab(str(tmp_path_factory.mktemp("bad-tls") / "lab"), sim_args=["--tls"])
    tls.__enter__()  # pylint: disable=unnecessary-dunder-call
    not_cw = harness.Lab(str(tmp_path_factory.mktemp("bad-notcw") / "lab"))
    not_cw.__enter__()  # pylint: disable=unnecessary-dunder-call
    lab.tls_url = tls.url
    # the operator API of a simulator is an HTTP server that is not ConnectWise
    lab.not_cw_url = not_cw.url + "/_sim/health"
    yield lab
    for each in (not_cw, tls, lab):
        each.__exit__(None, None, None)


def write_vars_file(lab, path, undecryptable):
    """A vault file at ``path`` that this run's password cannot decrypt, or that decrypts to something not YAML."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if undecryptable:
        other = VaultLib([("default", VaultSecret(b"another password"))])
        write_private(path, other.encrypt(b"cw_integration_sophos_central_private_key: x\n"))
    else:
        write_private(path, lab.vault.encrypt(b"key: [unclosed\n"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_message_and_no_change(bad_lab, case):
    name, extra_vars, host_vars, phrase = case
    company = "bad-" + name[:40]
    bad_lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True}])
    for var, value in host_vars.items():
        if var == "NO_BOOTSTRAP":
            os.remove(os.path.join(bad_lab.inventory, "host_vars", company, "bootstrap.vault.yml"))
            continue
        if var == "REVOKE":
            bootstrap = [m for m in bad_lab.state(company)["tables"]["members"] if m["identifier"] == "cwsim-bootstrap"][0]
            keys = bad_lab.op("GET", "/_sim/tenants/%s/ui/apiMembers/%s/apiKeys" % (company, bootstrap["id"]))
            for key in keys:
                bad_lab.op("DELETE", "/_sim/tenants/%s/ui/apiMembers/%s/apiKeys/%s" % (company, bootstrap["id"], key["id"]))
            continue
        if value == "TLS":
            value = bad_lab.tls_url
        elif value == "NOT_CW":
            value = bad_lab.not_cw_url
        extra_vars = dict(extra_vars, **{var: value})
    if extra_vars.get("integration_vault_file") == "DANGLING":
        link = os.path.join(bad_lab.work, "dangling", "connectwise.vault.yml")
        os.makedirs(os.path.dirname(link))
        os.symlink(os.path.join(bad_lab.work, "nowhere", "deeper", "vault.yml"), link)
        extra_vars = dict(extra_vars, integration_vault_file=link)
    if extra_vars.get("integration_vault_file", "").endswith(("UNDECRYPTABLE", "NOT_YAML")):
        kind = extra_vars.pop("integration_vault_file")
        path = os.path.join(bad_lab.work, "vaults", company + ".vault.yml")
        if kind.startswith("HOST_VARS_"):
            path = bad_lab.vault_file(company)
        else:
            extra_vars = dict(extra_vars, integration_vault_file=path)
        write_vars_file(bad_lab, path, kind.endswith("UNDECRYPTABLE"))
    before = bad_lab.state(company)
    bad_lab.reset_stats()
    vars_file = os.path.join(bad_lab.work, "bad-%s.json" % name)
    with open(vars_file, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)
    run = bad_lab.playbook("onboard", "--limit", company, "-e", "@" + vars_file)

    assert run.returncode != 0, "bad input was accepted\n%s" % run
    assert "Traceback" not in run.output, str(run)
    assert "MODULE FAILURE" not in run.output, str(run)
    assert phrase.lower() in run.output.lower(), "the message does not name %r\n%s" % (phrase, run)
    writes = bad_lab.stats().get(company, {}).get("writes", 0)
    after = bad_lab.state(company)
    assert writes == 0 and after == before, "partial change after bad input (%d write requests)\n%s" % (writes, run)


# The other entry points of the role validate their own argument specs: (case id, playbook, extra variables, phrase).
ENTRY_POINT_CASES = [
    ("rotate-timeout-not-a-number", "rotate_keys", {"integration_timeout": "soon"}, "integration_timeout"),
    ("rotate-bad-role-mode", "rotate_keys", {"integration_role_mode": "sometimes"}, "integration_role_mode"),
    ("audit-bad-role-mode", "audit", {"integration_role_mode": "sometimes"}, "integration_role_mode"),
    ("audit-retries-not-a-number", "audit", {"integration_retries": "many"}, "integration_retries"),
    ("offboard-profile-not-a-mapping", "offboard", {"integration_profile": ["a", "list"]}, "integration_profile"),
    ("offboard-validate-certs-not-a-bool", "offboard", {"integration_validate_certs": "perhaps"}, "integration_validate_certs"),
]


@pytest.mark.parametrize("case", ENTRY_POINT_CASES, ids=[c[0] for c in ENTRY_POINT_CASES])
def test_entry_points_check_their_arguments_first(bad_lab, case):
    name, playbook, extra_vars, phrase = case
    company = "bad-" + name[:40]
    bad_lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True}])
    before = bad_lab.state(company)
    bad_lab.reset_stats()
    vars_file = os.path.join(bad_lab.work, "bad-%s.json" % name)
    with open(vars_file, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)
    run = bad_lab.playbook(playbook, "--limit", company, "-e", "@" + vars_file)

    assert run.returncode != 0, "bad input was accepted\n%s" % run
    assert "Traceback" not in run.output, str(run)
    # the role's argument spec names the variable; a module would only name its own option
    assert "argument spec" in run.output.lower() or "validating arguments" in run.output.lower(), str(run)
    assert phrase.lower() in run.output.lower(), "the message does not name %r\n%s" % (phrase, run)
    stats = bad_lab.stats().get(company, {})
    assert stats.get("total", 0) == 0 and bad_lab.state(company) == before, "requests after bad input\n%s" % run


@pytest.mark.parametrize("playbook", ["onboard", "rotate_keys"])
def test_a_secret_pasted_into_another_variable_is_masked(bad_lab, playbook):
    # the argument check names the variable and its value; the value of a no_log variable is never printed
    company = "bad-pasted-" + playbook[:6]
    bad_lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True}])
    secret = "pasted-Secret-7Q2xk9"
    vars_file = os.path.join(bad_lab.work, "pasted-%s.json" % playbook)
    with open(vars_file, "w", encoding="utf-8") as handle:
        json.dump({"integration_adopt_private_key": secret, "integration_retries": secret}, handle)
    run = bad_lab.playbook(playbook, "--limit", company, "-vvv", "-e", "@" + vars_file)

    assert run.returncode != 0, "bad input was accepted\n%s" % run
    assert "integration_retries" in run.output and "argument spec" in run.output, str(run)
    assert secret not in run.output, str(run)
    assert bad_lab.stats().get(company, {}).get("total", 0) == 0, "requests after bad input\n%s" % run


@pytest.fixture(name="vars_lab", scope="module")
def vars_lab_fixture(tmp_path_factory):
    with harness.Lab(str(tmp_path_factory.mktemp("vars") / "lab")) as lab:
        lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True} for company in ("vars-good", "vars-bad")])
        yield lab


@pytest.mark.parametrize("playbook", ["onboard", "rotate_keys", "offboard", "audit", "fleet_audit"])
def test_a_host_vars_file_that_does_not_decrypt_is_named_before_any_tenant_runs(vars_lab, playbook):
    # Ansible would stop every tenant with "Decryption failed" and no file name; each playbook's first play names it
    path = vars_lab.vault_file("vars-bad")
    write_vars_file(vars_lab, path, True)
    try:
        before = {company: vars_lab.state(company) for company in ("vars-good", "vars-bad")}
        vars_lab.reset_stats()
        run = vars_lab.playbook(playbook)
    finally:
        os.remove(path)

    assert run.returncode != 0, "the undecryptable vars file was accepted\n%s" % run
    assert "Traceback" not in run.output and "Decryption failed" not in run.output, str(run)
    assert "The vars file %s cannot be decrypted" % path in run.output, str(run)
    # the tenant before it in the play may have started its first step, which only reads
    assert vars_lab.stats().get("vars-bad", {}).get("total", 0) == 0, str(run)
    for company, state in before.items():
        assert vars_lab.stats().get(company, {}).get("writes", 0) == 0, "writes to %s\n%s" % (company, run)
        assert vars_lab.state(company) == state


def test_the_vars_file_check_keeps_to_the_limit(vars_lab):
    # a tenant outside --limit is not loaded by Ansible, so its file does not stop the run
    path = vars_lab.vault_file("vars-bad")
    write_vars_file(vars_lab, path, False)
    try:
        vars_lab.reset_stats()
        run = vars_lab.playbook("onboard", "--limit", "vars-good")
    finally:
        os.remove(path)

    assert run.returncode == 0, str(run)
    assert vars_lab.stats().get("vars-bad", {}).get("total", 0) == 0, str(run)
    assert vars_lab.read_vault("vars-good"), "the tenant in the limit was not onboarded\n%s" % run
