"""Several `regiebot run` processes in webhook mode sharing one PostgreSQL database."""
