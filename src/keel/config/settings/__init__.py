"""Settings modules: base (shared), dev, test, prod."""
