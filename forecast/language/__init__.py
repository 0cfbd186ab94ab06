"""The format language: season files, scenario overlays and known results, read and resolved."""
