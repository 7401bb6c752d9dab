"""The ``conditions`` query language of ConnectWise Manage, as a pure parser and evaluator.

Grammar (keywords and operators are case-insensitive)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" unary | "(" expr ")" | comparison
    comparison := FIELD ["not"] ("=" | "!=" | "<" | "<=" | ">" | ">=") value
                | FIELD ["not"] ("like" | "contains") value
                | FIELD ["not"] "in" "(" value ("," value)* ")"
    value      := STRING | NUMBER | "true" | "false" | "null" | "[" DATE "]"

FIELD is a camelCase name, nested with ``/`` (``securityRole/name``). STRING is double-quoted with
backslash escapes (``\\"`` and ``\\\\``). String comparisons ignore case, as SQL Server's default
collation does on the real service. ``like`` knows only the ``%`` wildcard.
"""

import datetime
import re


class ConditionsError(ValueError):
    """A malformed expression; ``position`` is the 0-based offset of the offending text."""

    def __init__(self, message, position):
        super().__init__(message)
        self.message = message
        self.position = position


_KEYWORDS = {"and", "or", "not", "like", "contains", "in", "true", "false", "null"}
_COMPARATORS = ("!=", "<=", ">=", "=", "<", ">")
_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


class Token:
    """One lexical token: ``kind`` is op, str, num, date, word, lparen, rparen, comma or end."""

    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind, value, pos):
        self.kind = kind
        self.value = value
        self.pos = pos

    def __repr__(self):
        return "Token(%s, %r, %d)" % (self.kind, self.value, self.pos)


def parse_datetime(text):
    """Parse an ISO-8601 date or date-time; naive values are taken as UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def tokenize(text):
    """Split ``text`` into tokens; raises ConditionsError for characters that start no token."""
    tokens = []
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == "(":
            tokens.append(Token("lparen", char, i))
            i += 1
        elif char == ")":
            tokens.append(Token("rparen", char, i))
            i += 1
        elif char == ",":
            tokens.append(Token("comma", char, i))
            i += 1
        elif char == '"':
            i = _read_string(text, i, tokens)
        elif char == "[":
            end = text.find("]", i + 1)
            if end < 0:
                raise ConditionsError("Unterminated date literal", i)
            try:
                tokens.append(Token("date", parse_datetime(text[i + 1:end]), i))
            except ValueError:
                raise ConditionsError("Invalid date literal [%s]" % text[i + 1:end], i) from None
            i = end + 1
        elif text.startswith(_COMPARATORS, i):
            op = next(candidate for candidate in _COMPARATORS if text.startswith(candidate, i))
            tokens.append(Token("op", op, i))
            i += len(op)
        else:
            match = _NUMBER_RE.match(text, i)
            if match and (match.end() == length or not (text[match.end()].isalpha() or text[match.end()] == "_")):
                number = match.group(0)
                tokens.append(Token("num", float(number) if "." in number else int(number), i))
                i = match.end()
                continue
            match = _FIELD_RE.match(text, i)
            if not match:
                raise ConditionsError("Unexpected character %r" % char, i)
            tokens.append(Token("word", match.group(0), i))
            i = match.end()
    tokens.append(Token("end", None, length))
    return tokens


def _read_string(text, start, tokens):
    chars = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            tokens.append(Token("str", "".join(chars), start))
            return i + 1
        chars.append(char)
        i += 1
    raise ConditionsError("Unterminated string literal", start)


# Nodes are plain tuples so that evaluation stays cheap on 10,000-row tables:
# ("and", a, b), ("or", a, b), ("not", a), ("cmp", op, path_tuple, value), ("in", path_tuple, values)


class _Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self):
        return self.tokens[self.index]

    def take(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_word(self, word):
        token = self.peek()
        return token.kind == "word" and token.value.lower() == word

    def parse(self):
        if self.peek().kind == "end":
            raise ConditionsError("Empty conditions expression", 0)
        node = self.parse_or()
        token = self.peek()
        if token.kind != "end":
            raise ConditionsError("Unexpected %r; expected 'and', 'or' or the end" % str(token.value), token.pos)
        return node

    def parse_or(self):
        node = self.parse_and()
        while self.is_word("or"):
            self.take()
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_unary()
        while self.is_word("and"):
            self.take()
            node = ("and", node, self.parse_unary())
        return node

    def parse_unary(self):
        token = self.peek()
        if self.is_word("not"):
            self.take()
            return ("not", self.parse_unary())
        if token.kind == "lparen":
            self.take()
            node = self.parse_or()
            closing = self.take()
            if closing.kind != "rparen":
                raise ConditionsError("Missing ')'", closing.pos)
            return node
        return self.parse_comparison()

    def parse_comparison(self):
        token = self.take()
        if token.kind != "word" or token.value.lower() in _KEYWORDS:
            raise ConditionsError("Expected a field name, found %r" % _show(token), token.pos)
        path = tuple(token.value.split("/"))
        negate = False
        if self.is_word("not"):
            self.take()
            negate = True
        op_token = self.take()
        if op_token.kind == "op":
            node = ("cmp", op_token.value, path, self.parse_value())
        elif op_token.kind == "word" and op_token.value.lower() in ("like", "contains"):
            value = self.parse_value()
            if not isinstance(value, str):
                raise ConditionsError("'%s' needs a quoted string" % op_token.value.lower(), op_token.pos)
            node = ("cmp", op_token.value.lower(), path, value)
        elif op_token.kind == "word" and op_token.value.lower() == "in":
            node = ("in", path, self.parse_list())
        else:
            raise ConditionsError("Expected an operator after %r, found %r" % (token.value, _show(op_token)), op_token.pos)
        return ("not", node) if negate else node

    def parse_list(self):
        opening = self.take()
        if opening.kind != "lparen":
            raise ConditionsError("'in' needs a parenthesised list", opening.pos)
        values = [self.parse_value()]
        while self.peek().kind == "comma":
            self.take()
            values.append(self.parse_value())
        closing = self.take()
        if closing.kind != "rparen":
            raise ConditionsError("Missing ')' after the 'in' list", closing.pos)
        return tuple(values)

    def parse_value(self):
        token = self.take()
        if token.kind in ("str", "num", "date"):
            return token.value
        if token.kind == "word":
            word = token.value.lower()
            if word == "true":
                return True
            if word == "false":
                return False
            if word == "null":
                return None
        raise ConditionsError("Expected a value, found %r" % _show(token), token.pos)


def _show(token):
    return "end of expression" if token.kind == "end" else str(token.value)


def parse(text):
    """Parse a conditions string into a node tree (raises ConditionsError)."""
    return _Parser(text).parse()


def fields_used(node):
    """Yield every field path (tuple) the expression refers to."""
    kind = node[0]
    if kind in ("and", "or"):
        yield from fields_used(node[1])
        yield from fields_used(node[2])
    elif kind == "not":
        yield from fields_used(node[1])
    elif kind == "cmp":
        yield node[2]
    else:
        yield node[1]


def lookup(record, path):
    """Follow a nested path through dicts; a missing step yields None.

    Field names are matched exactly first and case-insensitively only on a miss, which keeps the
    common case fast while accepting any casing as the real service does.
    """
    value = record
    for step in path:
        if not isinstance(value, dict):
            return None
        if step in value:
            value = value[step]
        else:
            lowered = step.lower()
            value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


def _coerce(actual, literal):
    """Bring a stored value and a literal to comparable forms, or return None when they cannot be."""
    if isinstance(literal, bool) or isinstance(actual, bool):
        if isinstance(actual, bool) and isinstance(literal, bool):
            return actual, literal
        if isinstance(actual, str) and isinstance(literal, bool):
            return actual.lower(), str(literal).lower()
        return None
    if isinstance(literal, datetime.datetime):
        if isinstance(actual, str):
            try:
                return parse_datetime(actual), literal
            except ValueError:
                return None
        return None
    if isinstance(literal, (int, float)):
        if isinstance(actual, (int, float)):
            return actual, literal
        if isinstance(actual, str):
            try:
                return float(actual), literal
            except ValueError:
                return None
        return None
    if isinstance(literal, str):
        if isinstance(actual, str):
            return actual.casefold(), literal.casefold()
        if isinstance(actual, (int, float)):
            try:
                return actual, float(literal)
            except ValueError:
                return None
    return None


def _like_regex(pattern):
    parts = [re.escape(part) for part in pattern.casefold().split("%")]
    return re.compile("^" + ".*".join(parts) + "$", re.S)


def _compare(op, actual, literal):
    if literal is None:
        if op == "=":
            return actual is None
        if op == "!=":
            return actual is not None
        return False
    if actual is None:
        return op == "!="
    if op == "contains":
        return isinstance(actual, str) and literal.casefold() in actual.casefold()
    if op == "like":
        return isinstance(actual, str) and _like_regex(literal).match(actual.casefold()) is not None
    pair = _coerce(actual, literal)
    if pair is None:
        return op == "!="
    left, right = pair
    try:
        if op == "=":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


def evaluate(node, record):
    """True when ``record`` (a dict as the API would render it) satisfies the expression."""
    kind = node[0]
    if kind == "and":
        return evaluate(node[1], record) and evaluate(node[2], record)
    if kind == "or":
        return evaluate(node[1], record) or evaluate(node[2], record)
    if kind == "not":
        return not evaluate(node[1], record)
    if kind == "cmp":
        return _compare(node[1], lookup(record, node[2]), node[3])
    actual = lookup(record, node[1])
    return any(_compare("=", actual, literal) for literal in node[2])


def simple_equality(node):
    """Return (path, literal) when the whole expression is one ``field = literal`` test, else None.

    The store uses this to answer identifier/id look-ups from an index instead of a table scan.
    """
    if node[0] == "cmp" and node[1] == "=" and node[3] is not None and not isinstance(node[3], (bool, datetime.datetime)):
        return node[2], node[3]
    return None


def quote(value):
    """Render a Python value as a conditions literal (used by tests and the benchmark)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.datetime):
        return "[%s]" % value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')
