"""Passwords: argon2id through argon2-cffi (defaults: m=64 MiB, t=3, p=4, above the
m=19 MiB, t=2, p=1 floor)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MIN, PASSWORD_MAX = 8, 128
_hasher = PasswordHasher()


class BadPassword(ValueError):
    pass


def check_password_rules(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise BadPassword(f"Het wachtwoord moet minstens {PASSWORD_MIN} tekens hebben.")
    if len(password) > PASSWORD_MAX:
        raise BadPassword(f"Het wachtwoord mag hoogstens {PASSWORD_MAX} tekens hebben.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against for unknown user names, so timing does not reveal them.
DUMMY_HASH = _hasher.hash("dummy-password-for-timing")
