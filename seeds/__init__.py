"""Demo story and scale generator."""
