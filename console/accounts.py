"""Console accounts: users with a role and a hashed password (werkzeug), and their login attempts.

Plain SQLAlchemy and werkzeug, no Flask: the CLI (`yibao users`) and the console share it.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from storage.db import Base

#: agent: search, member lookup, conversations; editor: knowledge base, gaps, dashboard; admin: all.
ROLES = ("agent", "editor", "admin")
MIN_PASSWORD_CHARS = 10
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Compared against when the user does not exist, so a wrong name costs as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A user that cannot be created or changed (bad name, role or password, name taken)."""


class User(Base):
    """A console user. Implements the attributes Flask-Login asks for."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return str(self.id)


def generate_password() -> str:
    """A random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must have at least {MIN_PASSWORD_CHARS} characters")


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """Add a user. Raises AccountError for a bad name, role or password, or a name already taken."""
    if not _NAME.match(username):
        raise AccountError("username: 2-80 letters, digits or _ . @ -")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(username=username, role=role, password_hash=generate_password_hash(password), active=True,
                created_at=datetime.now(timezone.utc))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Replace a user's password. Raises AccountError."""
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    return user


def find_user(session: Session, username: str) -> User | None:
    """The user named ``username`` (case-insensitive)."""
    return session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def get_user(session: Session, user_id: str | int) -> User | None:
    """The active user with this id (for the session cookie), or None."""
    try:
        user = session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user when ``password`` is right, else None (same work either way)."""
    user = find_user(session, username)
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = datetime.now(timezone.utc)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def ensure_admin(session: Session, username: str = "admin") -> str | None:
    """Create a first admin with a generated password when no active admin exists.

    Returns the password to show once, or None when an admin already exists.
    """
    if session.scalar(select(User.id).where(User.role == "admin", User.active.is_(True))) is not None:
        return None
    password = generate_password()
    create_user(session, username, "admin", password)
    return password
