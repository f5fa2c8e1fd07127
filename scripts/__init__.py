"""Developer and release scripts (`make` runs them)."""
