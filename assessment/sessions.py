"""Sessions kept in the database and read through the cache (SESSION_ENGINE = "assessment.sessions").

Django's cached_db store, with two changes:
- A cache that cannot be reached (Redis down) is treated as empty: the pages read sessions from the database,
  more slowly, and never fail because of the cache.
- A session stays in the cache for at most a minute before it is read from the database again. A session that
  was signed out while the cache could not be reached (so its cached copy could not be removed) lives on for at
  most that minute once the cache is back.
"""

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)

CACHED_SECONDS = 60


class _CacheThatMayFail:
    """The few cache operations the session store uses, with failures logged and treated as misses."""

    def __init__(self, cache: Any):
        self._cache = cache

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._cache.get(key, default)
        except Exception as error:  # each cache backend raises its own connection errors
            logger.warning("Session cache unavailable: reading the session from the database (%s)", error)
            return default

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        try:
            self._cache.set(key, value, CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS))
        except Exception as error:
            logger.warning("Session cache unavailable: the session is kept in the database only (%s)", error)

    def delete(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception as error:
            logger.warning("Session cache unavailable: a cached copy may outlive this session (%s)", error)

    def __contains__(self, key: str) -> bool:
        try:
            return key in self._cache
        except Exception:
            return False

    # The same for the asynchronous API, which cached_db uses from async views.
    async def aget(self, key: str, default: Any = None) -> Any:
        try:
            return await self._cache.aget(key, default)
        except Exception as error:
            logger.warning("Session cache unavailable: reading the session from the database (%s)", error)
            return default

    async def aset(self, key: str, value: Any, timeout: int | None = None) -> None:
        try:
            await self._cache.aset(key, value, CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS))
        except Exception as error:
            logger.warning("Session cache unavailable: the session is kept in the database only (%s)", error)

    async def adelete(self, key: str) -> None:
        try:
            await self._cache.adelete(key)
        except Exception as error:
            logger.warning("Session cache unavailable: a cached copy may outlive this session (%s)", error)

    async def ahas_key(self, key: str) -> bool:
        try:
            return await self._cache.ahas_key(key)
        except Exception:
            return False


class SessionStore(cached_db.SessionStore):
    _cache: Any

    def __init__(self, session_key: str | None = None):
        super().__init__(session_key)
        self._cache = _CacheThatMayFail(self._cache)
