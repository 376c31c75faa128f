"""The local database: typed ORM models, the engine, Alembic migrations, units of work."""
