"""Property testing of schedulers: reusable Hypothesis suites, the online adversary, trace checks, the
instance strategies, and the mutation check that every suite can fail."""
