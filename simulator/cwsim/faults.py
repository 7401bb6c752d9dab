"""Per-tenant fault injection with a seeded RNG, so a test that asks for "30 % 503s" sees the same
sequence on every run.

Settings (all optional)::

    latency_ms: 0            extra delay before every answer
    error_rate: 0.0          share of requests answered with a 5xx from error_statuses
    error_next: 0            the next N requests get a 5xx (deterministic, counts down)
    error_statuses: [500, 502, 503, 504]
    rate_limit: {requests: N, window: seconds}   then 429 + Retry-After until the window ends
    drop_rate / drop_next    close the connection without an answer
    slow_rate / slow_next    answer only after slow_seconds (default 30), to trip client timeouts
    ambiguous_write_rate / ambiguous_write_next   commit a POST, then drop the connection
    hold_after_write: {route: "POST /system/apiMembers", seconds: 30, count: 1}
                             commit the next matching write (route as in the stats' by_route), then hold the
                             answer back; lets a test kill the client right after a given write
    methods: [GET, POST]     limit error/drop/slow faults to these methods (default: all)
    seed: 0                  RNG seed
"""

import math
import random
import time

DEFAULT_STATUSES = (500, 502, 503, 504)

_KNOWN = {
    "latency_ms", "error_rate", "error_next", "error_statuses", "rate_limit", "drop_rate", "drop_next",
    "slow_rate", "slow_next", "slow_seconds", "ambiguous_write_rate", "ambiguous_write_next", "methods", "seed",
    "hold_after_write",
}


def validate(spec):
    """Return a cleaned copy of a fault spec or raise ValueError naming the bad key."""
    spec = dict(spec or {})
    unknown = set(spec) - _KNOWN
    if unknown:
        raise ValueError("unknown fault setting(s): %s" % ", ".join(sorted(unknown)))
    for key in ("error_rate", "drop_rate", "slow_rate", "ambiguous_write_rate"):
        value = float(spec.get(key, 0) or 0)
        if not 0 <= value <= 1:
            raise ValueError("%s must be between 0 and 1" % key)
        spec[key] = value
    for key in ("error_next", "drop_next", "slow_next", "ambiguous_write_next", "seed"):
        spec[key] = int(spec.get(key, 0) or 0)
    spec["latency_ms"] = float(spec.get("latency_ms", 0) or 0)
    spec["slow_seconds"] = float(spec.get("slow_seconds", 30) or 30)
    statuses = [int(s) for s in spec.get("error_statuses") or DEFAULT_STATUSES]
    if any(not 500 <= s <= 599 for s in statuses):
        raise ValueError("error_statuses must be 5xx codes")
    spec["error_statuses"] = statuses
    limit = spec.get("rate_limit")
    if limit:
        limit = {"requests": int(limit["requests"]), "window": float(limit.get("window", 60))}
        if limit["requests"] < 0 or limit["window"] <= 0:
            raise ValueError("rate_limit needs requests >= 0 and window > 0")
    spec["rate_limit"] = limit or None
    spec["methods"] = [m.upper() for m in spec.get("methods") or []]
    hold = spec.get("hold_after_write")
    if hold:
        if not isinstance(hold, dict) or not str(hold.get("route") or "").strip():
            raise ValueError("hold_after_write needs a route such as 'POST /system/apiMembers'")
        method, _sep, template = str(hold["route"]).strip().partition(" ")
        hold = {"route": "%s %s" % (method.upper(), template.strip()), "seconds": float(hold.get("seconds", 30)),
                "count": int(hold.get("count", 1))}
        if hold["seconds"] <= 0 or hold["count"] < 1:
            raise ValueError("hold_after_write needs seconds > 0 and count >= 1")
    spec["hold_after_write"] = hold or None
    return spec


class Faults:
    """Decides, request by request, which fault (if any) to inject."""

    def __init__(self, spec=None):
        self.spec = validate(spec)
        self.rng = random.Random(self.spec["seed"])
        self.window_start = None
        self.window_count = 0
        self.error_index = 0

    @property
    def latency(self):
        return self.spec["latency_ms"] / 1000.0

    def rate_limited(self, now=None):
        """Seconds to wait (Retry-After) when this request exceeds the rate limit, else None."""
        limit = self.spec["rate_limit"]
        if not limit:
            return None
        now = time.monotonic() if now is None else now
        if self.window_start is None or now - self.window_start >= limit["window"]:
            self.window_start = now
            self.window_count = 0
        self.window_count += 1
        if self.window_count > limit["requests"]:
            return max(1, math.ceil(limit["window"] - (now - self.window_start)))
        return None

    def _hit(self, name, method):
        if self.spec["methods"] and method not in self.spec["methods"]:
            return False
        counter = name + "_next"
        if self.spec[counter] > 0:
            self.spec[counter] -= 1
            return True
        rate = self.spec[name + "_rate"]
        return rate > 0 and self.rng.random() < rate

    def before(self, method):
        """The fault for a request before it is handled: None, ('drop',), ('error', status) or ('slow', s)."""
        if self._hit("drop", method):
            return ("drop",)
        if self._hit("error", method):
            statuses = self.spec["error_statuses"]
            status = statuses[self.error_index % len(statuses)]
            self.error_index += 1
            return ("error", status)
        if self._hit("slow", method):
            return ("slow", self.spec["slow_seconds"])
        return None

    def hold_after(self, method, template):
        """Seconds to hold back the answer of a write that has just been committed (hold_after_write), else None."""
        hold = self.spec["hold_after_write"]
        if not hold or hold["count"] < 1 or hold["route"].lower() != ("%s %s" % (method, template)).lower():
            return None
        hold["count"] -= 1
        return hold["seconds"]

    def ambiguous_write(self, method):
        """True when a POST that has just been committed should lose its answer."""
        return method == "POST" and self._hit("ambiguous_write", method)

    def describe(self):
        state = dict(self.spec)
        state["rate_limit_window_count"] = self.window_count
        return state
