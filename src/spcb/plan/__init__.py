"""The plan stage: the reporting calendar, the plan's model, and its YAML schema."""
