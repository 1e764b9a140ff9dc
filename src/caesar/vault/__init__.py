"""Keys and the encrypted, content-addressed store of originals and derived images."""
