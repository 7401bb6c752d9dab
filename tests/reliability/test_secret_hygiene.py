"""Secret hygiene across every playbook: onboard, rotate_keys, audit, offboard (and a failing onboard run).

Runs at -vvvv with a log file, a JSON result callback (cw_json_record, plus results formatted as JSON), jsonfile
fact caching and retry files on, then searches every byte Ansible printed or wrote, and the simulator's logs, for
any private key, bootstrap private key or integrator password. Vault files are 0600 and ciphertext.
"""

import base64
import os
import stat

import yaml

from conftest import assert_converged


def collect_secrets(lab, companies, secrets):
    for company in companies:
        for name in ("bootstrap.vault.yml", "connectwise.vault.yml"):
            path = os.path.join(lab.inventory, "host_vars", company, name)
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    data = lab.vault.decrypt(handle.read()).decode("utf-8")
                for line in data.splitlines():
                    key, _sep, value = line.partition(":")
                    if "private_key" in key or "password" in key:
                        secrets.add(value.strip().strip("'\""))


def test_no_secret_in_any_output_file_or_log(make_lab):
    lab = make_lab()
    companies = lab.add_tenants([{"company_id": "hyg-a", "members": 10, "integrator_login": True},
                                 {"company_id": "hyg-b", "members": 10, "integrator_login": True}])
    secrets = set()
    collect_secrets(lab, companies, secrets)
    outputs = os.path.join(lab.work, "outputs")
    os.makedirs(outputs)
    env = {"ANSIBLE_LOG_PATH": os.path.join(outputs, "ansible.log"), "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
           "ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "1", "ANSIBLE_CACHE_PLUGIN": "ansible.builtin.jsonfile",
           "ANSIBLE_CACHE_PLUGIN_CONNECTION": os.path.join(outputs, "facts"), "ANSIBLE_RETRY_FILES_ENABLED": "1",
           "ANSIBLE_RETRY_FILES_SAVE_PATH": os.path.join(outputs, "retry"), "ANSIBLE_DIFF_ALWAYS": "1"}
    printed = []
    plays = [("onboard", ()), ("onboard", ()), ("rotate_keys", ("-e", "integration_remove_replaced_keys=true")),
             ("audit", ("-e", "cw_audit_report_dir=%s" % outputs))]
    for name, extra in plays:
        run = lab.playbook(name, "-vvvv", *extra, env=env)
        assert run.returncode == 0, str(run)
        printed.append(run.output)
        collect_secrets(lab, companies, secrets)
    for company in companies:
        assert_converged(lab, company)

    # a failing run too, so a retry file is written: one tenant's server answers 500 (the plan step's read-only
    # check falls back to the steps, whose first request fails as well)
    lab.faults("hyg-b", error_next=20, error_statuses=[500])
    failing = lab.playbook("onboard", "-vvvv", env=env)
    assert failing.returncode != 0
    printed.append(failing.output)
    lab.faults("hyg-b")
    # a role variable of the wrong type fails the argument-spec validation, whose result carries the arguments
    for name in ("onboard", "rotate_keys", "audit", "offboard"):
        invalid = lab.playbook(name, "-vvvv", "-e", "integration_timeout=soon", env=env)
        assert invalid.returncode != 0 and "integration_timeout" in invalid.output, str(invalid)
        printed.append(invalid.output)
    offboard = lab.playbook("offboard", "-vvvv", env=env)
    assert offboard.returncode == 0, str(offboard)
    printed.append(offboard.output)

    assert os.path.isfile(os.path.join(outputs, "retry", "onboard.retry")), "no retry file was written"
    # the playbooks gather no facts and no set_fact is cacheable, so the jsonfile cache may stay empty; whatever
    # it holds is searched below with everything else
    assert len(secrets) >= 6, "too few secrets collected to make the search meaningful: %d" % len(secrets)

    hay = {"stdout of run %d" % i: text for i, text in enumerate(printed)}
    vault_files = []
    for root, _dirs, files in os.walk(lab.work):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                data = handle.read()
            if name.endswith(".vault.yml"):
                vault_files.append(path)
                assert data.startswith(b"$ANSIBLE_VAULT"), "%s is not vault ciphertext" % path
                assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, "%s is not 0600" % path
                continue
            hay[path] = data.decode("utf-8", "replace")
    assert any(path.endswith("simulator-access.log") for path in hay) and any(path.endswith("ansible.log") for path in hay)
    assert any("cw_json_record" in path or path.endswith(".jsonl") for path in hay)
    assert vault_files
    # each secret as written and in the Basic-auth forms a server or a library might echo
    forms = set()
    for secret in secrets:
        forms.add(secret)
    for company in companies:
        with open(os.path.join(lab.inventory, "host_vars", company, "bootstrap.vault.yml"), "rb") as handle:
            bootstrap = yaml.safe_load(lab.vault.decrypt(handle.read()))
        basic = "%s+%s:%s" % (company, bootstrap["cw_bootstrap_public_key"], bootstrap["cw_bootstrap_private_key"])
        forms.add(base64.b64encode(basic.encode()).decode())
    leaks = sorted({where for where, text in hay.items() for secret in forms if secret and secret in text})
    assert not leaks, "a secret appears in: %s" % leaks
