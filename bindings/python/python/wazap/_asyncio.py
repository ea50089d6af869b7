"""Awaiting the Rust core from asyncio: the glue's ``*_async`` methods take a
``done(error, value)`` callback, called on a core thread with the GIL held; it hands the
outcome to the event loop's thread with ``call_soon_threadsafe``."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional


def _resolve(future: "asyncio.Future[Any]", error: Optional[BaseException], value: Any) -> None:
    if future.done():  # cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def completion(
    loop: asyncio.AbstractEventLoop, future: "asyncio.Future[Any]"
) -> Callable[[Optional[BaseException], Any], None]:
    """A ``done`` callback that settles ``future`` on ``loop``."""

    def done(error: Optional[BaseException], value: Any) -> None:
        try:
            loop.call_soon_threadsafe(_resolve, future, error, value)
        except RuntimeError:  # the loop was closed: nobody waits any more
            pass

    return done


async def call(start: Callable[..., None], *args: Any) -> Any:
    """Runs ``start(done, *args)`` and awaits the value passed to ``done``."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    start(completion(loop, future), *args)
    return await future
