"""Key pairs and how their secret halves are kept: salted SHA-256, compared in constant time.

Private keys are 16 random characters from the operating system's CSPRNG, so a fast salted hash is
enough (no dictionary to defend against) and keeps authentication cheap at thousands of requests per
second. Fixture-supplied bootstrap keys are hashed the same way as soon as they are read.
"""

import hashlib
import hmac
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def random_key(length=16):
    return "".join(secrets.choice(_ALPHABET) for _position in range(length))


def hash_secret(secret, salt=None):
    """Return {'salt', 'hash'} (hex strings) for ``secret``."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()
    return {"salt": salt, "hash": digest}


def verify_secret(secret, stored):
    candidate = hash_secret(secret, stored["salt"])["hash"]
    return hmac.compare_digest(candidate, stored["hash"])
