"""Access: users and their roles, sessions, the second factor, and what the gate records.

`Access` (in :mod:`caesar.access.service`) is what the facade hands to the web app and the
`caesar users` commands.
"""
