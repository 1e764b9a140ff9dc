"""Exports: packages for courts, the public and partners, each traceable to the originals."""
