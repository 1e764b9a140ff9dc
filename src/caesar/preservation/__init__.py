"""Keeping the archive intact: its signed state, verification, replicas, repair, restore."""
