"""pytest plugin entry point for the AI/ML API mock (fixtures land in a following commit)."""
