"""List-query conventions: conditions, orderBy, fields, page/pageSize/pageId and Link headers."""

from urllib.parse import urlencode

from . import conditions, errors

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000


def _int_param(query, name, minimum):
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise errors.bad_request("The %s parameter must be an integer, got %r." % (name, raw), name) from None
    if value < minimum:
        raise errors.bad_request("The %s parameter must be at least %d." % (name, minimum), name)
    return value


def parse_conditions(text, resource):
    """Parse ``conditions``; unknown top-level fields are rejected like the real service does."""
    try:
        node = conditions.parse(text)
    except conditions.ConditionsError as exc:
        raise errors.ApiError(400, "InvalidObject", "Invalid conditions: %s at position %d." % (exc.message, exc.position),
                              [errors.field_error("InvalidConditions", exc.message, resource.name, "conditions")]) from None
    for path in conditions.fields_used(node):
        if path[0].lower() not in resource.lower_fields:
            message = "Unknown field %r in conditions." % "/".join(path)
            raise errors.ApiError(400, "InvalidObject", message,
                                  [errors.field_error("InvalidConditions", message, resource.name, "conditions")])
    return node


def filter_views(tenant, resource, query, render, keep=None):
    """Apply ``conditions`` (using an index for ``identifier = "x"``) and return rendered views.

    ``keep`` is the record-level filter of a ``My`` security level.
    """
    records = resource.rows(tenant)
    if keep is not None:
        records = [r for r in records if keep(r)]
    text = query.get("conditions")
    if not text:
        return [render(r) for r in records]
    node = parse_conditions(text, resource)
    simple = conditions.simple_equality(node)
    if simple is not None:
        indexed = resource.index_lookup(tenant, simple[0], simple[1])
        if indexed is not None:
            rows = [r for r in indexed if keep is None or keep(r)]
            return [v for v in (render(r) for r in rows) if conditions.evaluate(node, v)]
    return [v for v in (render(r) for r in records) if conditions.evaluate(node, v)]


def _sort_key(path):
    def key(view):
        value = conditions.lookup(view, path)
        if value is None:
            return (0, 0)
        if isinstance(value, bool):
            return (1, int(value))
        if isinstance(value, (int, float)):
            return (2, value)
        if isinstance(value, str):
            return (3, value.casefold())
        return (4, str(value))
    return key


def order(views, text, resource):
    if not text:
        return views
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise errors.bad_request("Invalid orderBy %r; use 'field asc' or 'field desc'." % text, "orderBy")
        path = tuple(words[0].split("/"))
        if path[0].lower() not in resource.lower_fields:
            raise errors.bad_request("Unknown field %r in orderBy." % words[0], "orderBy")
        keys.append((path, len(words) == 2 and words[1].lower() == "desc"))
    for path, descending in reversed(keys):
        views = sorted(views, key=_sort_key(path), reverse=descending)
    return views


def project(view, fields):
    """Partial response for ``fields=a,b/c``."""
    out = {}
    for path in fields:
        value = conditions.lookup(view, path)
        if value is None:
            continue
        target = out
        for step in path[:-1]:
            target = target.setdefault(step, {})
        target[path[-1]] = value
    return out


def parse_fields(text):
    if not text:
        return None
    return [tuple(part.strip().split("/")) for part in text.split(",") if part.strip()]


def page(views, query, url, forward_only):
    """Slice one page and build the Link header (None when everything fits on one page)."""
    size = _int_param(query, "pageSize", 1) or DEFAULT_PAGE_SIZE
    size = min(size, MAX_PAGE_SIZE)
    params = {k: v for k, v in query.items() if k.lower() not in ("page", "pageid")}
    if forward_only:
        page_id = _int_param(query, "pageId", 0)
        views = sorted(views, key=lambda v: v["id"])
        if page_id is not None:
            views = [v for v in views if v["id"] > page_id]
        chunk = views[:size]
        link = None
        if len(views) > size:
            link = '<%s?%s>; rel="next"' % (url, urlencode(dict(params, pageId=chunk[-1]["id"])))
        return chunk, link
    number = _int_param(query, "page", 1) or 1
    total = len(views)
    last = max(1, -(-total // size))
    chunk = views[(number - 1) * size:number * size]
    if last == 1 and number == 1:
        return chunk, None
    links = []

    def add(rel, target):
        links.append('<%s?%s>; rel="%s"' % (url, urlencode(dict(params, page=target)), rel))
    if number > 1:
        add("first", 1)
        add("prev", min(number - 1, last))
    if number < last:
        add("next", number + 1)
        add("last", last)
    return chunk, ", ".join(links) if links else None
