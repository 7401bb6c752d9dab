"""In-memory state of one tenant (a ConnectWise company) and its persistence as plain JSON.

Records are dicts shaped like the API's own models, with references stored as ``{"id": N}`` and
expanded at render time. Keys starting with ``__`` are internal (ownership for ``My`` levels) and
never rendered. Secrets are stored only as salted hashes.
"""

import datetime

from . import credentials
from .catalogue import FUNCTION_ROWS

TABLES = (
    "roles", "members", "apiKeys", "integratorLogins", "locations", "departments", "levels", "timeZones",
    "boards", "companies", "agreements", "tickets", "reports", "catalog", "productTypes",
    "productSubcategories", "productCategories", "customizeItems", "configurations", "timeEntries",
)

SURFACES = ("published", "extended")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def setting_id(role_id, function):
    # unique across roles, like real setting rows, so clients cannot get away with reusing ids
    return role_id * 1000 + function


class Tenant:
    """All records of one company plus its secondary indexes."""

    def __init__(self, spec):
        self.spec = spec
        self.company_id = spec["company_id"]
        self.tables = {name: {} for name in TABLES}
        self.next_ids = {name: 1 for name in TABLES}
        self.role_settings = {}
        self.member_by_identifier = {}
        self.key_by_public = {}
        self.integrator_by_username = {}
        # bumped on every write; rendered views are cached per generation
        self.generation = 0
        self.view_cache = {}

    # -- settings that can change at run time -------------------------------------------------
    @property
    def surface(self):
        return self.spec["surface"]

    @property
    def codebase(self):
        return self.spec["codebase"]

    @property
    def token_lifetime(self):
        return self.spec["token_lifetime"]

    # -- generic table access -----------------------------------------------------------------
    def touch(self):
        self.generation += 1
        self.view_cache.clear()

    def insert(self, table, record, actor=None, record_id=None):
        if record_id is None:
            record_id = self.next_ids[table]
        self.next_ids[table] = max(self.next_ids[table], record_id + 1)
        record["id"] = record_id
        stamp = iso(utcnow())
        who = actor["identifier"] if actor else "system"
        record["_info"] = {"dateEntered": stamp, "enteredBy": who, "lastUpdated": stamp, "updatedBy": who}
        record["__owner"] = actor["id"] if actor else None
        self.tables[table][record_id] = record
        self._index(table, record)
        self.touch()
        return record

    def update(self, table, record, changes, actor=None):
        self._unindex(table, record)
        record.update(changes)
        info = dict(record.get("_info") or {})
        info["lastUpdated"] = iso(utcnow())
        info["updatedBy"] = actor["identifier"] if actor else "system"
        record["_info"] = info
        self._index(table, record)
        self.touch()
        return record

    def delete(self, table, record):
        self._unindex(table, record)
        del self.tables[table][record["id"]]
        if table == "roles":
            self.role_settings.pop(record["id"], None)
        self.touch()

    def get(self, table, record_id):
        return self.tables[table].get(record_id)

    def _index(self, table, record):
        if table == "members":
            self.member_by_identifier[record["identifier"].lower()] = record
        elif table == "apiKeys":
            self.key_by_public[record["publicKey"]] = record
        elif table == "integratorLogins":
            self.integrator_by_username[record["username"].lower()] = record

    def _unindex(self, table, record):
        if table == "members":
            self.member_by_identifier.pop(record["identifier"].lower(), None)
        elif table == "apiKeys":
            self.key_by_public.pop(record["publicKey"], None)
        elif table == "integratorLogins":
            self.integrator_by_username.pop(record["username"].lower(), None)

    # -- security roles -------------------------------------------------------------------------
    def create_role_settings(self, role_id, level="None", levels=None):
        """One setting row per catalogue function; ``levels`` maps function -> {verb: level}."""
        stamp = iso(utcnow())
        rows = {}
        for function in FUNCTION_ROWS:
            cell = (levels or {}).get(function, {})
            rows[function] = {
                "id": setting_id(role_id, function),
                "function": function,
                "addLevel": cell.get("add", level),
                "editLevel": cell.get("edit", level),
                "deleteLevel": cell.get("delete", level),
                "inquireLevel": cell.get("inquire", level),
                "_info": {"lastUpdated": stamp, "updatedBy": "system"},
            }
        self.role_settings[role_id] = rows
        self.touch()
        return rows

    def levels_for(self, member, function):
        """The (add, edit, delete, inquire) levels a member has on a function; admin roles get All."""
        role_ref = member.get("securityRole")
        role = self.get("roles", role_ref["id"]) if role_ref else None
        if role is None:
            return ("None", "None", "None", "None")
        if role.get("adminFlag"):
            return ("All", "All", "All", "All")
        row = self.role_settings.get(role["id"], {}).get(function)
        if row is None:
            return ("None", "None", "None", "None")
        return (row["addLevel"], row["editLevel"], row["deleteLevel"], row["inquireLevel"])

    # -- credentials ----------------------------------------------------------------------------
    def add_key(self, member, description, actor=None, kind="apiKey", expiration=None, public_key=None, secret=None):
        """Create a key pair for ``member``; returns (record, private_key or None when a hash was given)."""
        private_key = None
        if secret is None:
            private_key = credentials.random_key()
            secret = credentials.hash_secret(private_key)
        public_key = public_key or credentials.random_key()
        while public_key in self.key_by_public:
            public_key = credentials.random_key()
        record = {"memberId": member["id"], "description": description, "publicKey": public_key,
                  "secret": secret, "kind": kind, "expiration": expiration}
        self.insert("apiKeys", record, actor)
        return record, private_key

    # -- persistence ----------------------------------------------------------------------------
    def dump(self):
        return {
            "spec": self.spec,
            "tables": {name: list(rows.values()) for name, rows in self.tables.items()},
            "next_ids": self.next_ids,
            "role_settings": {str(role): list(rows.values()) for role, rows in self.role_settings.items()},
        }

    @classmethod
    def load(cls, data):
        tenant = cls(data["spec"])
        for name in TABLES:
            for record in data["tables"].get(name, []):
                tenant.tables[name][record["id"]] = record
                tenant._index(name, record)
        tenant.next_ids.update(data.get("next_ids", {}))
        for role, rows in data.get("role_settings", {}).items():
            tenant.role_settings[int(role)] = {row["function"]: row for row in rows}
        return tenant
