from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in to Keel."""

    display_name = models.CharField(max_length=150, blank=True)
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
