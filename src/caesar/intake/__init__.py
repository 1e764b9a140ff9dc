"""Intake: sources (folders, drives, files; sealed bundles and bags later) -> a pipeline of
small steps (seal, dedupe, inspect, metadata, perceptual hash, thumbnail) -> the catalogue."""
