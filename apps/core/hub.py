"""The process's live hub: one channel-layer channel for every socket of this process (per event
loop), instead of one channel, one Redis subscription, one queue and one receive task per socket.

A socket joins the groups it listens to (`await hub.join(group, socket)`); the hub joins each
group on the channel layer once, with its own channel, reads every message once, and hands it to
the handler registered for the message's type (`register(type, handler)`), which gets the group's
local sockets and the message. `write(text)` puts an already encoded frame on a socket without
waiting for it: a socket whose client reads slowly keeps its own backlog and holds nobody else.

Under uvicorn's sans-I/O WebSocket protocol (`--ws websockets-sansio`, what the README's scale
command and the benches use) a frame can also go out as wire bytes made once per event
(`wire_frame`): a server's text frame is unmasked, so with no extension negotiated its bytes are
the same for every socket. Writing them to the socket's transport skips uvicorn's send, which
per socket built the frame again and ran a coroutine: that was most of what a fan-out cost after
the hand-over (README "Performance"). Anything unusual (a compressed connection, a closing one,
a client reading slowly, another server) takes the server's own send, as before.
"""
import asyncio
import collections
import logging
import weakref

from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from websockets.frames import Frame, Opcode
from websockets.protocol import State

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover - served by something else: the server's send only
    WebSocketsSansIOProtocol = None

log = logging.getLogger(__name__)

# Frames a socket may have waiting behind a slow client before the newest are dropped. A socket
# that missed frames still sees the next heartbeat's last_seq and resyncs from the event log.
MAX_BACKLOG = 1000

_handlers = {}


def register(message_type: str, handler) -> None:
    """handler(hub, group, sockets, message) -> awaitable: what a group message does to the
    group's local sockets (a tuple, in the order they joined)."""
    _handlers[message_type] = handler


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel = None
        self.groups: dict[str, dict] = {}
        self._reader = None
        self._started = asyncio.Lock()
        self.messages_read = 0

    async def join(self, group: str, socket) -> None:
        await self._start()
        members = self.groups.get(group)
        if members is None:
            members = self.groups[group] = {}
            members[socket] = None
            await self.layer.group_add(group, self.channel)
        else:
            members[socket] = None

    async def leave(self, group: str, socket) -> None:
        members = self.groups.get(group)
        if members is None or socket not in members:
            return
        del members[socket]
        if not members:
            del self.groups[group]
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception:
                log.warning("leaving %s on the channel layer failed", group, exc_info=True)

    def sockets(self, group: str) -> tuple:
        return tuple(self.groups.get(group, ()))

    async def _start(self):
        if self._reader is not None:
            return
        async with self._started:
            if self._reader is None:
                self.channel = await self.layer.new_channel(prefix="hub.")
                self._reader = asyncio.ensure_future(self._read())

    async def _read(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("the live hub could not read from the channel layer", exc_info=True)
                await asyncio.sleep(1)
                continue
            self.messages_read += 1
            group = message.get("group")
            handler = _handlers.get(message.get("type"))
            if group is None or handler is None:
                log.warning("the live hub got a message it cannot route: %s", message.get("type"))
                continue
            try:
                # One message at a time: the events of a group reach each socket in order.
                await handler(self, group, self.sockets(group), message)
            except Exception:
                log.exception("the live hub failed on a %s message", message.get("type"))


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """This event loop's hub (the channel layer keeps one connection per loop, and so do we)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub(get_channel_layer())
    return found


class _Resumed:
    """The rest of a coroutine that already ran to its first suspension, awaited as `yield from`
    would: lets `write` run a send at once and make a task only when the send has to wait."""

    def __init__(self, coro, yielded):
        self.coro, self.yielded = coro, yielded

    def __await__(self):
        coro, yielded = self.coro, self.yielded
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - handed on to the coroutine, as yield from does
                try:
                    yielded = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    yielded = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


def wire_frame(text: str) -> bytes:
    """A server's text frame as it goes on the wire: unmasked, no extension."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class HubSocket:
    """For a consumer the hub writes to. `raw_send` is the server's send: the session middleware's
    wrapper only acts on HTTP responses, and skipping it saves a lookup per frame per socket."""

    _backlog = None
    _writer = None
    _write_closed = False
    _server = None  # uvicorn's sans-I/O protocol of this socket, when that is what serves it
    frames_dropped = 0
    frames_written_as_wire = 0

    def use_send(self, send):
        wrapper = getattr(send, "__self__", None)
        while isinstance(wrapper, InstanceSessionWrapper):
            send = wrapper.real_send
            wrapper = getattr(send, "__self__", None)
        self.raw_send = send
        if (WebSocketsSansIOProtocol is not None and isinstance(wrapper, WebSocketsSansIOProtocol)
                and getattr(send, "__func__", None) is WebSocketsSansIOProtocol.send):
            self._server = wrapper

    def _takes_wire(self) -> bool:
        # What uvicorn's send checks before it frames a text message (writable, not closing, the
        # connection open), plus no extension: a compressed connection frames each copy itself.
        # Nothing is waiting in this socket's backlog, so the order of frames is kept.
        server = self._server
        return (self._backlog is None and server.writable.is_set() and server.handshake_complete
                and not server.close_sent and server.initial_response is None
                and server.conn.state is State.OPEN and not server.conn.extensions
                and not server.conn.expect_continuation_frame and not server.transport.is_closing())

    def write(self, text: str, wire: bytes | None = None) -> None:
        """Sends one encoded frame without waiting; frames keep their order per socket. `wire` is
        the same frame from `wire_frame(text)`, made once for every socket it goes to."""
        if self._write_closed:
            return
        if wire is not None and self._server is not None and self._takes_wire():
            self._server.transport.write(wire)
            self.frames_written_as_wire += 1
            return
        if self._backlog is not None:
            if len(self._backlog) >= MAX_BACKLOG:
                self.frames_dropped += 1
                return
            self._backlog.append(text)
            return
        coro = self.raw_send({"type": "websocket.send", "text": text})
        try:
            yielded = coro.send(None)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - the client went away; its disconnect comes next
            self._write_closed = True
            return
        self._backlog = collections.deque()
        self._writer = asyncio.ensure_future(self._finish(coro, yielded))

    async def _finish(self, coro, yielded):
        try:
            await _Resumed(coro, yielded)
            while self._backlog:
                await self.raw_send({"type": "websocket.send", "text": self._backlog.popleft()})
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the client went away
            self._write_closed = True
        finally:
            self._backlog = None
            self._writer = None

    async def written(self) -> None:
        """Waits until every frame written so far has been handed to the server."""
        writer = self._writer
        if writer is not None:
            await asyncio.shield(writer)

    def stop_writing(self) -> None:
        self._write_closed = True
        if self._writer is not None:
            self._writer.cancel()
