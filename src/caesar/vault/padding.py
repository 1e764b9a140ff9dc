"""Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
Communication with PURBs", PETS 2019).

Stored objects are padded so that an object's size does not identify the photo inside it. Padmé
rounds a length up to a value whose low bits are zero, leaking O(log log L) bits of the length
at a cost of at most 12% overhead. Tiny objects are rounded up to a floor so that small files
all look alike.
"""

from __future__ import annotations

MIN_PADDED = 1024


def padme(length: int) -> int:
    """The Padmé-padded size of `length` bytes (at least MIN_PADDED)."""
    if length < 0:
        raise ValueError("length must not be negative")
    if length <= MIN_PADDED:
        return MIN_PADDED
    exponent = length.bit_length() - 1  # floor(log2 L)
    size_bits = exponent.bit_length()  # floor(log2 E) + 1
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask
