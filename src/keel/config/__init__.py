"""Django project configuration: settings, URLs, WSGI entry point."""
