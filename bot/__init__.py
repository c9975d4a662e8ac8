"""The process: configuration, CLI, assembly (polling / webhook), middlewares, outbox sender."""
