"""Feature blueprints: one package per feature with views (thin), services (rules) and forms."""
