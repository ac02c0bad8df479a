"""Data shipped with the package (lengths derived from public data sets) and the stdlib code that reads it."""
