"""Synthetic collection generator: a stand-in for the real photographs, with the truth known.

No real victim imagery may ever enter this project. This package draws abstract compositions
(soft coloured blobs and geometric forms on a textured background) that behave like the real
collection where it matters to the software: camera metadata, sequences seconds apart, white
cards carrying three numbers in Western or Arabic-Indic digits, repeated and re-encoded copies,
damaged files, and families' missing-person reports with realistic noise. Everything it makes
is described in a ground-truth file (see ``docs/ground-truth.md``) so that grouping, number
reading and identification can be measured.

Entry points live in :mod:`caesar.demo.generate` (``generate_collection``, ``make_drive``,
``CollectionSpec``) and :mod:`caesar.demo.truth` (``Truth``, ``load_truth``).
"""
