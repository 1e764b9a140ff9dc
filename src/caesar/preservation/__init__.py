"""Keeping the archive intact: verification now, repair from a replica later."""
