"""Read Keel's settings from the environment (KEEL_*), with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def data_dir() -> Path:
    """Where the SQLite file, uploads and the generated secret key live."""
    raw = os.environ.get("KEEL_DATA_DIR")
    if raw:
        path = Path(raw).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "keel"
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """KEEL_SECRET_KEY, or a random key generated once and kept in the data directory."""
    key = os.environ.get("KEEL_SECRET_KEY")
    if key:
        return key
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key
