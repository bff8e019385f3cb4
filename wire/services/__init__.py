"""Service definitions as both sides read them: the typed model, the schema that validates a
definition, and the loader that turns ``config/services/*.toml`` into the catalogue document."""
