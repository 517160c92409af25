"""A real TAK client for the browser tests: pytak connected to the server's streaming TCP port.

Controlled by JSON lines on standard input:

    {"op": "sa", "uid": "...", "callsign": "...", "lat": 31.3, "lon": -109.2}   self SA (identifies the peer)
    {"op": "chat", "text": "...", "room": "All Chat Rooms"}                  GeoChat b-t-f from the peer
    {"op": "emergency"}  /  {"op": "cancel"}                                  b-a-o-tbl 911 alert / its b-a-o-can
    {"op": "raw", "xml": "<event .../>"}                                      any event, as it is
    {"op": "quit"}

Prints one JSON object a line on standard output:

    {"ev": "ready"}                                once pytak is connected
    {"ev": "sent", "op": "...", "uid": "...", "t": ms}   once pytak has taken an event off its queue
    {"ev": "cot", "uid", "type", "callsign", "lat", "lon", "how", "chat", "room", "room_id",
     "sender", "sender_uid", "remarks", "group", "role",
     "points", "ellipse", "stroke"}                for every CoT event received
    {"ev": "closed"}                               when the connection ended

Usage: pytak_peer.py PORT (the server is on 127.0.0.1). pytak's logs go to standard error.
"""

from __future__ import annotations

import asyncio
import configparser
import json
import logging
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytak

# The interop suite's CoT builders (SA, GeoChat, 911 alert and cancel), shared by path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "interop"))
import wfcot  # noqa: E402


def emit(obj: dict) -> None:
    """One JSON line on stdout, flushed: the Node side reads it as it comes."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def describe(raw: bytes) -> dict | None:
    """The fields the tests look at, from one received XML event; None if it does not parse."""
    try:
        cot = wfcot.parse_xml(raw.strip())
    except ET.ParseError:
        return None
    out: dict = {"ev": "cot", "uid": cot.uid, "type": cot.type, "callsign": cot.callsign,
                 "lat": cot.lat, "lon": cot.lon, "remarks": cot.remarks()}
    group = cot.find("__group")
    if group is not None:
        out["group"], out["role"] = group.get("name"), group.get("role")
    # A drawing's vertices and circle, as TAK carries them.
    points = [l.get("point") for l in cot.detail.findall("link") if l.get("point")]
    if points:
        out["points"] = points
    ellipse = cot.find("shape/ellipse")
    if ellipse is not None:
        out["ellipse"] = {"major": ellipse.get("major"), "minor": ellipse.get("minor")}
    stroke = cot.find("strokeColor")
    if stroke is not None:
        out["stroke"] = stroke.get("value")
    chat = cot.find("__chat")
    if chat is not None:
        out["chat"] = cot.remarks()
        out["room"] = chat.get("chatroom")
        out["room_id"] = chat.get("id")
        out["sender"] = chat.get("senderCallsign")
        grp = chat.find("chatgrp")
        out["sender_uid"] = grp.get("uid0") if grp is not None else None
    return out


class Outbox(pytak.QueueWorker):
    """Moves the peer's events onto pytak's TX queue."""

    def __init__(self, queue, config, source: asyncio.Queue) -> None:
        super().__init__(queue, config)
        self.source = source

    async def handle_data(self, data: bytes) -> None:
        await self.put_queue(data)

    async def run(self, _=-1) -> None:
        while True:
            op, uid, xml = await self.source.get()
            await self.handle_data(xml)
            emit({"ev": "sent", "op": op, "uid": uid, "t": int(time.time() * 1000)})


class Printer(pytak.Worker):
    """Prints what pytak's RXWorker read (one ``readuntil(b"</event>")`` chunk each)."""

    async def handle_data(self, data) -> None:
        got = describe(bytes(data))
        if got is not None:
            emit(got)


class Peer:
    """The peer's identity (set by the last `sa`) and the commands that use it."""

    def __init__(self, outbox: asyncio.Queue) -> None:
        self.outbox = outbox
        self.uid = "pytak-peer"
        self.callsign = "PEER"
        self.lat, self.lon = 31.33, -109.2

    def alert_uid(self) -> str:
        return f"{self.uid}-9-1-1"

    async def command(self, cmd: dict) -> bool:
        """Queues what `cmd` asks for; False on quit."""
        op = cmd.get("op")
        if op == "quit":
            return False
        if op == "sa":
            self.uid = str(cmd.get("uid", self.uid))
            self.callsign = str(cmd.get("callsign", self.callsign))
            self.lat = float(cmd.get("lat", self.lat))
            self.lon = float(cmd.get("lon", self.lon))
            xml = wfcot.sa(self.uid, self.callsign, self.lat, self.lon, team=str(cmd.get("team", "Cyan")))
            await self.outbox.put(("sa", self.uid, xml))
        elif op == "chat":
            room = str(cmd.get("room", "All Chat Rooms"))
            text = str(cmd.get("text", ""))
            if room == "All Chat Rooms":
                xml = wfcot.chat_all(self.uid, self.callsign, text)
            else:
                xml = wfcot.chat_team(self.uid, self.callsign, room, text)
            await self.outbox.put(("chat", self.uid, xml))
        elif op == "emergency":
            xml = wfcot.emergency(self.alert_uid(), self.uid, self.callsign, self.lat, self.lon)
            await self.outbox.put(("emergency", self.alert_uid(), xml))
        elif op == "cancel":
            xml = wfcot.emergency_cancel(self.alert_uid(), self.callsign)
            await self.outbox.put(("cancel", self.alert_uid(), xml))
        elif op == "raw":
            await self.outbox.put(("raw", "", str(cmd.get("xml", "")).encode("utf-8")))
        else:
            emit({"ev": "error", "message": f"unknown op {op!r}"})
        return True


async def read_stdin(peer: Peer) -> None:
    """Reads commands until quit or end of input."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return
        try:
            cmd = json.loads(line)
        except json.JSONDecodeError as exc:
            emit({"ev": "error", "message": f"bad command: {exc}"})
            continue
        if not await peer.command(cmd):
            # Let pytak write what is queued before the process ends.
            await asyncio.sleep(0.3)
            return


async def main(port: int) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser["peer"] = {"COT_URL": f"tcp://127.0.0.1:{port}", "COT_HOST_ID": "browser-test-peer",
                      "PYTAK_NO_HELLO": "1", "MAX_IN_QUEUE": "5000"}
    section = parser["peer"]
    tool = pytak.CLITool(section)
    await asyncio.wait_for(tool.setup(), 10)
    queue: asyncio.Queue = asyncio.Queue()
    tool.add_tasks({Outbox(tool.tx_queue, section, queue), Printer(tool.rx_queue, section)})
    run = asyncio.create_task(tool.run())
    emit({"ev": "ready"})
    stdin = asyncio.create_task(read_stdin(Peer(queue)))
    done, _ = await asyncio.wait({run, stdin}, return_when=asyncio.FIRST_COMPLETED)
    if run in done:
        emit({"ev": "closed"})
    for task in (run, stdin, *tool.running_tasks):
        task.cancel()


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    try:
        asyncio.run(main(int(sys.argv[1])))
    except (KeyboardInterrupt, ConnectionError) as exc:
        emit({"ev": "closed", "error": str(exc)})
