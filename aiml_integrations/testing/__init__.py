"""Offline AI/ML API mock server with fault injection (work in progress)."""
