"""Field side: seal a day's files for the archive onto removable media, and open such bundles
in the archive (docs/sealed-bundle.md)."""
