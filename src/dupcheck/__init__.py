"""dupcheck: template- and reuse-detection for written reports."""
