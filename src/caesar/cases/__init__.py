"""Post-mortem cases: grouping photos into bodies, reading the numbers each body carried."""
