"""What several features share, below the blueprints: the outbox writer, spreadsheets and
attachments, locking, object-or-404, the commitments read model and the signals between features.

Core modules import the foundation and the models, never a blueprint (tests/test_layers.py)."""
