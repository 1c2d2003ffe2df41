"""The PDF benchmark report and its downloads."""
