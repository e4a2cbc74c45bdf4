"""The calculation engine: pure numpy/scipy on arrays; knows nothing of files, storage or web."""
