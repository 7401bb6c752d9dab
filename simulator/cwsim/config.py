"""Tenant specs: defaults, validation, fixture files (JSON or YAML) and the built-in demo set."""

import json
import os
import re

from . import credentials, faults
from .store import SURFACES

DEFAULT_CODEBASE = "v4_6_release/"
DEFAULT_TOKEN_LIFETIME = 3600
DEMO_TENANTS = ("acme", "globex", "initech")
_COMPANY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


class ConfigError(ValueError):
    """A tenant spec or fixture that cannot be used."""


def normalise_tenant(raw, defaults=None):
    """Merge ``defaults`` into ``raw`` and return a clean spec; secrets are hashed here, at once."""
    spec = dict(defaults or {})
    spec.update(raw or {})
    company = str(spec.get("company_id") or "")
    if not _COMPANY_RE.match(company):
        raise ConfigError("company_id must be 1-50 letters, digits, '.', '_' or '-': %r" % company)
    try:
        members = int(spec.get("members", 10))
    except (TypeError, ValueError):
        raise ConfigError("members must be an integer") from None
    if members < 0:
        raise ConfigError("members must be >= 0")
    surface = spec.get("surface") or "published"
    if surface not in SURFACES:
        raise ConfigError("surface must be one of %s" % ", ".join(SURFACES))
    codebase = str(spec.get("codebase") or DEFAULT_CODEBASE).strip("/") + "/"
    try:
        fault_spec = faults.validate(spec.get("faults"))
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError("faults: %s" % exc) from None
    clean = {
        "company_id": company,
        "company_name": str(spec.get("company_name") or company.capitalize() + " MSP"),
        "members": members,
        "surface": surface,
        "codebase": codebase,
        "token_lifetime": float(spec.get("token_lifetime") or DEFAULT_TOKEN_LIFETIME),
        "faults": fault_spec,
        "bootstrap": _bootstrap(spec),
        "integrator_login": _integrator(spec.get("integrator_login")),
        "is_cloud": bool(spec.get("is_cloud", True)),
        "site_url": spec.get("site_url"),
    }
    return clean


def _bootstrap(spec):
    boot = spec.get("bootstrap")
    if boot is None and spec.get("bootstrap_public_key"):
        boot = {"public_key": spec.get("bootstrap_public_key"), "private_key": spec.get("bootstrap_private_key")}
    if not boot:
        return None
    if "secret" in boot:
        return boot
    public, private = boot.get("public_key"), boot.get("private_key")
    if not public or not private:
        raise ConfigError("bootstrap needs both public_key and private_key")
    identifier = str(boot.get("identifier") or "cwsim-bootstrap")
    if len(identifier) > 15:
        raise ConfigError("bootstrap identifier must be at most 15 characters")
    return {"public_key": str(public), "secret": credentials.hash_secret(str(private)), "identifier": identifier}


def _integrator(value):
    if not value:
        return None
    if value is True:
        value = {}
    if "secret" in value:
        return value
    password = str(value.get("password") or credentials.random_key())
    return {"username": str(value.get("username") or "integrator"), "secret": credentials.hash_secret(password)}


def load_fixture(path, base_defaults=None):
    """Read a fixture file; YAML needs PyYAML (pinned in the dev requirements).

    ``base_defaults`` (the command line's choices) apply where neither a tenant nor the fixture's own
    ``defaults`` say otherwise.
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yml", ".yaml")):
        import yaml  # pylint: disable=import-outside-toplevel
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("tenants"), list):
        raise ConfigError("%s: expected a mapping with a 'tenants' list" % path)
    defaults = dict(base_defaults or {})
    defaults.update(data.get("defaults") or {})
    return [normalise_tenant(raw, defaults) for raw in data["tenants"]]


def demo_specs(surface, bootstrap_out=None):
    """Three demo tenants; key pairs are generated and written only to ``bootstrap_out`` (mode 0600)."""
    specs, keys = [], {}
    for index, company in enumerate(DEMO_TENANTS):
        raw = {"company_id": company, "members": 25, "integrator_login": index != 1,
               "surface": "extended" if index == 2 else surface}
        if bootstrap_out:
            pair = {"public_key": credentials.random_key(), "private_key": credentials.random_key()}
            keys[company] = pair
            raw["bootstrap"] = pair
        specs.append(normalise_tenant(raw))
    if bootstrap_out:
        write_private_json(bootstrap_out, {"tenants": [{"company_id": c, "bootstrap": k} for c, k in keys.items()]})
    return specs


def write_private_json(path, data):
    """Write JSON atomically with mode 0600 (temp file in the same directory, then os.replace)."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
