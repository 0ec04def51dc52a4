"""One router per bounded context; main.py mounts them."""
