"""Detection-quality benchmark: labelled corpora, PAN measures, a 13-character baseline."""
