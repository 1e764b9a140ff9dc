"""The custody log's storage-independent core.

RFC 9162 Merkle tree hashing and proofs (:mod:`.merkle`), C2SP signed notes (:mod:`.note`) and
tlog checkpoints (:mod:`.checkpoint`), and RFC 3161 timestamps of checkpoints (:mod:`.timestamp`).
Nothing here touches a database or a file: storage passes subtree hashes in as a callable.
"""
