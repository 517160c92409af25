"""Test clients: a raw asyncio stream client (XML, optionally negotiating TAK protocol v1
and then speaking stream protobuf through our own framing loop), and a wrapper around a
real pytak ``CLITool``. Every wait is bounded by a timeout in seconds."""

from __future__ import annotations

import asyncio
import configparser
import itertools
import xml.etree.ElementTree as ET
from typing import Callable, Optional

import pytak
import takproto
from takproto.proto import TakMessage

import wfcot
from wfcot import Cot

Pred = Callable[[Cot], bool]
_names = itertools.count(1)


class FrameError(Exception):
    """The server sent bytes our decoder cannot frame."""


class XmlSplitter:
    """Splits a CoT XML stream into ``<event>`` documents: declarations and whitespace
    between events are dropped; anything else before an ``<event`` is counted as junk."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.junk = 0

    def feed(self, data: bytes) -> None:
        """Adds bytes read from the socket."""
        self.buf += data

    def next_event(self) -> Optional[bytes]:
        """The next complete event, or ``None`` until more bytes arrive."""
        while True:
            start = 0
            while start < len(self.buf) and self.buf[start] in b" \t\r\n":
                start += 1
            del self.buf[:start]
            if not self.buf:
                return None
            if self.buf.startswith(b"<?"):
                end = self.buf.find(b"?>")
                if end < 0:
                    return None
                del self.buf[: end + 2]
                continue
            if self.buf.startswith(b"<event"):
                end = self.buf.find(b"</event>")
                if end < 0:
                    return None
                raw = bytes(self.buf[: end + len(b"</event>")])
                del self.buf[: end + len(b"</event>")]
                return raw
            nxt = self.buf.find(b"<event", 1)
            if nxt < 0:
                if len(self.buf) < 6:
                    return None
                nxt = len(self.buf) - 5
            self.junk += nxt
            del self.buf[:nxt]

    def take_rest(self) -> bytes:
        """Whatever is buffered after the last event (the start of a protobuf stream)."""
        rest = bytes(self.buf)
        self.buf.clear()
        return rest


def read_varint(buf: bytes | bytearray, pos: int) -> Optional[tuple[int, int]]:
    """Decodes a base-128 varint at ``pos``: ``(value, next_pos)``, or ``None`` if incomplete."""
    value = 0
    for shift_i, i in enumerate(range(pos, min(len(buf), pos + 10))):
        b = buf[i]
        value |= (b & 0x7F) << (7 * shift_i)
        if not b & 0x80:
            return value, i + 1
    if len(buf) - pos >= 10:
        raise FrameError("varint longer than 10 bytes")
    return None


def encode_varint(n: int) -> bytes:
    """Base-128 varint."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class ProtoDeframer:
    """Splits a TAK protocol v1 *stream* (0xBF, varint length, TakMessage, repeated).
    ``takproto.parse_proto`` reads only one frame, hence this loop."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def feed(self, data: bytes) -> None:
        """Adds bytes read from the socket."""
        self.buf += data

    def next_message(self) -> Optional[TakMessage]:
        """The next complete message, or ``None`` until more bytes arrive."""
        if not self.buf:
            return None
        if self.buf[0] != 0xBF:
            raise FrameError(f"bad magic byte 0x{self.buf[0]:02x}")
        got = read_varint(self.buf, 1)
        if got is None:
            return None
        length, body = got
        if len(self.buf) < body + length:
            return None
        msg = TakMessage()
        msg.ParseFromString(bytes(self.buf[body : body + length]))
        del self.buf[: body + length]
        return msg


def stream_frame(msg: TakMessage) -> bytes:
    """Stream-frames a TakMessage (same bytes as ``takproto.msg2proto(.., STREAM)``)."""
    body = msg.SerializeToString()
    return b"\xbf" + encode_varint(len(body)) + body


class Collecting:
    """A list of received events with bounded waits on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.events: list[Cot] = []
        self.closed = asyncio.Event()
        self._changed = asyncio.Condition()

    async def _add(self, cot: Cot) -> None:
        async with self._changed:
            self.events.append(cot)
            self._changed.notify_all()

    async def _mark_closed(self) -> None:
        self.closed.set()
        async with self._changed:
            self._changed.notify_all()

    async def join(self, uid: str, callsign: str, timeout: float = 5.0, **kw) -> None:
        """Identifies with an SA and waits for the server's ``t-x-takp-v`` offer, which
        it sends right after this client's replay: the client is then identified."""
        since = self.mark()
        await self.identify(uid, callsign, **kw)
        await self.wait_for(lambda e: e.type == "t-x-takp-v", timeout, since, "protocol offer")

    def mark(self) -> int:
        """Index to pass as ``since`` to look only at events received from now on."""
        return len(self.events)

    def matching(self, pred: Pred, since: int = 0) -> list[Cot]:
        """Received events (from ``since``) that match."""
        return [e for e in self.events[since:] if pred(e)]

    async def wait_for(self, pred: Pred, timeout: float = 5.0, since: int = 0, what: str = "") -> Cot:
        """The first event from index ``since`` matching ``pred``; fails after ``timeout`` s."""
        return (await self.wait_count(pred, 1, timeout, since, what))[0]

    async def wait_count(self, pred: Pred, n: int, timeout: float = 5.0, since: int = 0, what: str = "") -> list[Cot]:
        """``n`` events matching ``pred`` from index ``since``; fails after ``timeout`` s."""

        async def waiter() -> list[Cot]:
            async with self._changed:
                while True:
                    got = self.matching(pred, since)
                    if len(got) >= n:
                        return got[:n]
                    if self.closed.is_set():
                        raise ConnectionError(f"{self.name}: connection closed while waiting for {what or pred}")
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except asyncio.TimeoutError:
            seen = [repr(e) for e in self.events[since:]][-15:]
            raise AssertionError(
                f"{self.name}: no {n} event(s) {what or pred} within {timeout}s; got {seen}"
            ) from None


class StreamClient(Collecting):
    """A raw TCP CoT client. Starts in XML; with ``negotiate`` it answers the server's
    ``t-x-takp-v`` with ``t-x-takp-q`` (``version``) and, on ``status="true"``, switches
    both directions to stream protobuf. ``send`` takes XML and encodes it as needed."""

    def __init__(self, name: str, *, negotiate: bool = False, version: str = "1") -> None:
        super().__init__(name)
        self.negotiate = negotiate
        self.version = version
        self.proto = False
        self.upgraded = asyncio.Event()
        self.responses: list[str] = []
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None
        self._task: Optional[asyncio.Task] = None
        self.error: Optional[BaseException] = None
        self.splitter = XmlSplitter()
        self.deframer = ProtoDeframer()

    @classmethod
    async def connect(cls, port: int, name: str = "", **kw) -> "StreamClient":
        """Connects to 127.0.0.1:``port`` and starts reading."""
        c = cls(name or f"raw{next(_names)}", **kw)
        c.reader, c.writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        c._task = asyncio.create_task(c._read_loop(), name=f"read-{c.name}")
        return c

    async def send(self, xml: bytes) -> None:
        """Sends one event given as XML, as protobuf once upgraded."""
        await self.send_raw(bytes(takproto.xml2proto(xml, takproto.TAKProtoVer.STREAM)) if self.proto else xml)

    async def send_raw(self, data: bytes) -> None:
        """Writes bytes as they are."""
        assert self.writer is not None
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), 10)

    async def identify(self, uid: str, callsign: str, **kw) -> None:
        """Sends an SA, which identifies this client to the server."""
        self.uid, self.callsign = uid, callsign
        await self.send(wfcot.sa(uid, callsign, **kw))

    async def sync(self, timeout: float = 5.0) -> None:
        """A barrier: pings and waits for the pong. Whatever the server routed to this
        client before it read the ping is then already in our list."""
        since = self.mark()
        await self.send(wfcot.ping())
        await self.wait_for(lambda e: e.type == "t-x-c-t-r", timeout, since, "pong")

    async def close(self) -> None:
        """Closes the socket and stops reading."""
        if self.writer is not None and not self.writer.is_closing():
            self.writer.close()
            try:
                await asyncio.wait_for(self.writer.wait_closed(), 2)
            except (asyncio.TimeoutError, OSError):
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass

    async def wait_closed_by_server(self, timeout: float = 5.0) -> None:
        """Fails unless the server closes the connection within ``timeout`` s."""
        try:
            await asyncio.wait_for(self.closed.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: server did not close the connection within {timeout}s") from None

    async def _read_loop(self) -> None:
        assert self.reader is not None
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                await self._on_bytes(data)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - reset, bad frame or bad XML: this connection is over
            self.error = exc
        finally:
            await self._mark_closed()

    async def _on_bytes(self, data: bytes) -> None:
        if self.proto:
            self.deframer.feed(data)
        else:
            self.splitter.feed(data)
            while not self.proto and (raw := self.splitter.next_event()) is not None:
                cot = wfcot.parse_xml(raw)
                await self._add(cot)
                await self._on_control(cot)
            if self.proto:
                self.deframer.feed(self.splitter.take_rest())
        while self.proto and (msg := self.deframer.next_message()) is not None:
            await self._add(wfcot.from_proto(msg))

    async def _on_control(self, cot: Cot) -> None:
        if cot.type == "t-x-takp-v" and self.negotiate:
            await self.send_raw(wfcot.takp_request(cot.uid, self.version))
        elif cot.type == "t-x-takp-r":
            resp = cot.find("TakControl/TakResponse")
            status = resp.get("status", "") if resp is not None else ""
            self.responses.append(status)
            if status == "true":
                # The server writes protobuf from the byte after this event.
                self.proto = True
                self.upgraded.set()

    async def wait_upgraded(self, timeout: float = 5.0) -> None:
        """Fails unless the connection switched to protobuf within ``timeout`` s."""
        try:
            await asyncio.wait_for(self.upgraded.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: no TakResponse status=true; got {self.responses}") from None


class PytakClient(Collecting):
    """A real pytak ``CLITool`` client. Events to send go through a ``QueueWorker``
    subclass onto pytak's TX queue; pytak's own RXWorker reads the socket and a
    collecting worker drains its RX queue into our list."""

    def __init__(self, name: str, section: configparser.SectionProxy) -> None:
        super().__init__(name)
        self.section = section
        self.outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self.tool: Optional[pytak.CLITool] = None
        self._run: Optional[asyncio.Task] = None

    @classmethod
    async def start(
        cls, url: str, name: str = "", *, hello: bool = False, tak_proto: int = 0, host_id: str = ""
    ) -> "PytakClient":
        """Builds a ConfigParser section for ``url`` (``tcp://`` or ``udp://``), sets pytak up
        and runs it. pytak's start-up ``t-x-d-d`` hello is sent only if ``hello``."""
        name = name or f"pytak{next(_names)}"
        parser = configparser.ConfigParser(interpolation=None)
        parser["interop"] = {"COT_URL": url, "COT_HOST_ID": host_id or f"{name}@interop", "MAX_IN_QUEUE": "5000"}
        if not hello:
            parser["interop"]["PYTAK_NO_HELLO"] = "1"
        if tak_proto:
            parser["interop"]["TAK_PROTO"] = str(tak_proto)
        c = cls(name, parser["interop"])
        c.tool = pytak.CLITool(c.section)
        await asyncio.wait_for(c.tool.setup(), 5)
        c.tool.add_tasks({_Sender(c.tool.tx_queue, c.section, c.outbox), _Collector(c.tool.rx_queue, c.section, c)})
        c._run = asyncio.create_task(c._run_tool(), name=f"pytak-{name}")
        return c

    async def _run_tool(self) -> None:
        assert self.tool is not None
        try:
            await self.tool.run()
        except Exception:  # noqa: BLE001 - any pytak failure means the connection is gone
            pass
        finally:
            await self._mark_closed()

    async def send(self, xml: bytes) -> None:
        """Queues one XML event for pytak to send (pytak converts it if TAK_PROTO>0)."""
        await self.outbox.put(xml)

    async def identify(self, uid: str, callsign: str, **kw) -> None:
        """Sends an SA, which identifies this client to the server."""
        self.uid, self.callsign = uid, callsign
        await self.send(wfcot.sa(uid, callsign, **kw))

    async def sync(self, timeout: float = 5.0) -> None:
        """Ping/pong barrier, as :meth:`StreamClient.sync`."""
        since = self.mark()
        await self.send(wfcot.ping())
        await self.wait_for(lambda e: e.type == "t-x-c-t-r", timeout, since, "pong")

    async def drained(self, timeout: float = 5.0) -> None:
        """Waits until pytak has taken every queued event off both queues."""
        assert self.tool is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self.outbox.empty() and self.tool.tx_queue.empty()):
            if loop.time() > deadline:
                raise AssertionError(f"{self.name}: pytak did not send its queue within {timeout}s")
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        """Stops pytak's workers and closes its socket."""
        if self.tool is None:
            return
        for fut in list(self.tool.running_tasks):
            worker = getattr(fut, "_pytak_worker", None)
            writer = getattr(worker, "writer", None)
            if writer is not None and hasattr(writer, "close"):
                try:
                    writer.close()
                except Exception:  # noqa: BLE001 - best effort on teardown
                    pass
            fut.cancel()
        if self._run is not None:
            self._run.cancel()
            await asyncio.gather(self._run, *self.tool.running_tasks, return_exceptions=True)


class _Sender(pytak.QueueWorker):
    """Moves test events onto pytak's TX queue."""

    def __init__(self, queue, config, source: asyncio.Queue) -> None:
        super().__init__(queue, config)
        self.source = source

    async def handle_data(self, data: bytes) -> None:
        await self.put_queue(data)

    async def run(self, _=-1) -> None:
        while True:
            await self.handle_data(await self.source.get())


class _Collector(pytak.Worker):
    """Parses what pytak's RXWorker read (one ``readuntil(b"</event>")`` chunk each)."""

    def __init__(self, queue, config, sink: PytakClient) -> None:
        super().__init__(queue, config)
        self.sink = sink

    async def handle_data(self, data) -> None:
        if isinstance(data, TakMessage):
            await self.sink._add(wfcot.from_proto(data))
            return
        raw = bytes(data).strip()
        try:
            cot = wfcot.parse_xml(raw)
        except ET.ParseError:
            self.sink.junk = getattr(self.sink, "junk", 0) + 1
            return
        await self.sink._add(cot)
