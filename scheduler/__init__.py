"""Time: the APScheduler setup and thin jobs that open a session and call a service sweep."""
