"""The engine: compile a loaded season into arrays and play it many times (numba)."""
