"""Passwords: the policy every provider password must meet, and argon2id hashing."""
