"""``EventStream``: one subscription to a client's events, iterated with ``async for`` (or
plain ``for``). Cancelling an ``await`` (e.g. ``asyncio.wait_for``) loses no event: an event
that arrives for a cancelled wait is kept for the next one."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Deque, Iterator, Optional

from . import _asyncio
from ._events import Event, parse_event


class EventStream:
    """Events of one client, in emission order, from the moment the stream was created."""

    def __init__(self, subscription: Any) -> None:
        self._subscription = subscription
        self._buffer: Deque[Optional[str]] = deque()  # arrived, not yet taken (None: ended)
        self._waiters: Deque["asyncio.Future[Optional[str]]"] = deque()
        self._in_flight = 0  # native waits started and not yet answered

    # -- asyncio --------------------------------------------------------------------------
    def __aiter__(self) -> "EventStream":
        return self

    async def __anext__(self) -> Event:
        raw = await self._next_raw()
        if raw is None:
            raise StopAsyncIteration
        return parse_event(raw)

    async def _next_raw(self) -> Optional[str]:
        if self._buffer:
            raw = self._buffer.popleft()
            if raw is None:
                self._buffer.appendleft(None)  # stays ended
            return raw
        loop = asyncio.get_running_loop()
        waiter: "asyncio.Future[Optional[str]]" = loop.create_future()
        self._waiters.append(waiter)
        if self._in_flight < len(self._waiters):
            self._in_flight += 1
            self._subscription.next_async(_asyncio.completion(loop, self._arrived(loop)))
        try:
            return await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _arrived(self, loop: asyncio.AbstractEventLoop) -> "asyncio.Future[Optional[str]]":
        """A future whose outcome goes to the oldest live waiter, or to the buffer."""
        future: "asyncio.Future[Optional[str]]" = loop.create_future()

        def deliver(done: "asyncio.Future[Optional[str]]") -> None:
            self._in_flight -= 1
            raw = None if done.exception() is not None else done.result()
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(raw)
                    if raw is not None:
                        return
            self._buffer.append(raw)

        future.add_done_callback(deliver)
        return future

    # -- blocking -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        event = self.get()
        if event is None:
            raise StopIteration
        return event

    def get(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting at most ``timeout`` seconds (``None``: no limit); ``None``
        on timeout or once the stream ended. Releases the GIL while waiting."""
        if self._buffer:
            raw = self._buffer.popleft()
        else:
            raw = self._subscription.next(timeout)
        return None if raw is None else parse_event(raw)

    def close(self) -> None:
        """Ends the stream; pending and later waits end too."""
        self._subscription.close()

    @property
    def closed(self) -> bool:
        """Whether the stream ended and every event it got was taken."""
        return bool(self._subscription.closed) and not any(self._buffer)
