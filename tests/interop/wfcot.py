"""CoT event builders and a single parsed view of events received as XML or protobuf.

Builders return UTF-8 bytes of one ``<event>`` (no XML declaration unless asked). Times
are UTC, ISO-8601 with milliseconds. Positions are WGS-84 degrees, heights/errors metres.
"""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Optional
from xml.sax.saxutils import quoteattr

UNKNOWN = "9999999.0"


def iso(offset_s: float = 0.0) -> str:
    """Now plus ``offset_s`` seconds as a CoT timestamp."""
    t = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=offset_s)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def new_uid(prefix: str = "wf-test") -> str:
    """A fresh unique uid."""
    return f"{prefix}-{_uuid.uuid4()}"


def event(
    uid: str,
    cot_type: str,
    *,
    lat: float = 0.0,
    lon: float = 0.0,
    detail: str = "",
    stale_s: float = 120.0,
    how: str = "m-g",
    declaration: bool = False,
) -> bytes:
    """One CoT event; ``detail`` is the inner XML of ``<detail>``."""
    now = iso()
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" if declaration else ""
    text = (
        f"{head}<event version=\"2.0\" uid={quoteattr(uid)} type={quoteattr(cot_type)} how={quoteattr(how)} "
        f"time=\"{now}\" start=\"{now}\" stale=\"{iso(stale_s)}\">"
        f"<point lat=\"{lat}\" lon=\"{lon}\" hae=\"{UNKNOWN}\" ce=\"{UNKNOWN}\" le=\"{UNKNOWN}\"/>"
        f"<detail>{detail}</detail></event>"
    )
    return text.encode("utf-8")


def sa(
    uid: str,
    callsign: str,
    lat: float = 1.0,
    lon: float = 2.0,
    *,
    team: str = "Cyan",
    role: str = "Team Member",
    cot_type: str = "a-f-G-U-C",
    stale_s: float = 120.0,
    extra: str = "",
) -> bytes:
    """An ATAK-style self SA (contact, __group, takv, status, track)."""
    detail = (
        f"<contact callsign={quoteattr(callsign)} endpoint=\"*:-1:stcp\"/>"
        f"<__group name={quoteattr(team)} role={quoteattr(role)}/>"
        "<takv device=\"interop-test\" platform=\"watchfloor-tests\" os=\"linux\" version=\"1.0\"/>"
        "<status battery=\"88\"/><track speed=\"1.5\" course=\"90.0\"/>"
        f"<uid Droid={quoteattr(callsign)}/>{extra}"
    )
    return event(uid, cot_type, lat=lat, lon=lon, detail=detail, stale_s=stale_s)


def marker(
    uid: str, lat: float = 3.0, lon: float = 4.0, *, dest: str = "", stale_s: float = 120.0, extra: str = ""
) -> bytes:
    """A hostile ground marker, optionally with a ``<marti>`` inner XML ``dest`` and
    ``extra`` detail XML."""
    marti = f"<marti>{dest}</marti>" if dest else ""
    detail = f"<contact callsign={quoteattr(uid)}/>{marti}{extra}"
    return event(uid, "a-h-G", lat=lat, lon=lon, detail=detail, stale_s=stale_s)


def delete(target: str, target_type: str = "a-h-G", *, force: bool = True) -> bytes:
    """A ``t-x-d-d`` deleting ``target`` for everyone, as ATAK sends it (with
    ``<__forcedelete/>`` unless ``force`` is false)."""
    detail = f"<link uid={quoteattr(target)} relation=\"none\" type={quoteattr(target_type)}/>"
    if force:
        detail += "<__forcedelete/>"
    return event(new_uid("delete"), "t-x-d-d", how="h-g-i-g-o", detail=detail, stale_s=20)


def ping(uid: Optional[str] = None) -> bytes:
    """A ``t-x-c-t`` keepalive ping."""
    return event(uid or new_uid("ping"), "t-x-c-t", how="h-g-i-g-o", stale_s=20)


def _chat(sender_uid: str, sender_cs: str, room: str, room_id: str, text: str, chat_attrs: str, extra: str) -> bytes:
    msg_id = str(_uuid.uuid4())
    uid = f"GeoChat.{sender_uid}.{room}.{msg_id}"
    detail = (
        f"<__chat {chat_attrs} chatroom={quoteattr(room)} id={quoteattr(room_id)} "
        f"senderCallsign={quoteattr(sender_cs)} messageId={quoteattr(msg_id)}>"
        f"<chatgrp uid0={quoteattr(sender_uid)} uid1={quoteattr(room_id)} id={quoteattr(room_id)}/></__chat>"
        f"<link uid={quoteattr(sender_uid)} type=\"a-f-G-U-C\" relation=\"p-p\"/>"
        f"<remarks source={quoteattr('BAO.F.ATAK.' + sender_uid)} to={quoteattr(room_id)} time=\"{iso()}\">"
        f"{_esc(text)}</remarks>{extra}"
    )
    return event(uid, "b-t-f", detail=detail, how="h-g-i-g-o", stale_s=86400)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_all(sender_uid: str, sender_cs: str, text: str) -> bytes:
    """GeoChat to All Chat Rooms."""
    return _chat(sender_uid, sender_cs, "All Chat Rooms", "All Chat Rooms", text, 'parent="RootContactGroup" groupOwner="false"', "")


def chat_team(sender_uid: str, sender_cs: str, team: str, text: str) -> bytes:
    """GeoChat to a team room (team colour)."""
    return _chat(sender_uid, sender_cs, team, team, text, 'parent="TeamGroups" groupOwner="false"', "")


def chat_direct(sender_uid: str, sender_cs: str, to_uid: str, to_cs: str, text: str, *, with_dest: bool = True) -> bytes:
    """A direct GeoChat, addressed by ``__chat id`` and (optionally) ``marti/dest callsign``."""
    dest = f"<marti><dest callsign={quoteattr(to_cs)}/></marti>" if with_dest else ""
    return _chat(sender_uid, sender_cs, to_cs, to_uid, text, 'parent="RootContactGroup" groupOwner="false"', dest)


def emergency(alert_uid: str, sender_uid: str, callsign: str, lat: float = 5.0, lon: float = 6.0) -> bytes:
    """A 911 alert (``b-a-o-tbl``)."""
    detail = (
        f"<contact callsign={quoteattr(callsign + '-Alert')}/>"
        f"<emergency type=\"911 Alert\">{_esc(callsign)}</emergency>"
        f"<link uid={quoteattr(sender_uid)} type=\"a-f-G-U-C\" relation=\"p-p\"/>"
    )
    return event(alert_uid, "b-a-o-tbl", lat=lat, lon=lon, detail=detail, how="h-e", stale_s=60)


def emergency_cancel(alert_uid: str, callsign: str) -> bytes:
    """Cancels the alert with uid ``alert_uid`` (``b-a-o-can``)."""
    return event(alert_uid, "b-a-o-can", detail=f"<emergency cancel=\"true\">{_esc(callsign)}</emergency>", how="h-e", stale_s=60)


def takp_request(uid: str, version: str = "1") -> bytes:
    """The client's answer to a protocol offer: ``t-x-takp-q`` asking for ``version``."""
    return event(uid, "t-x-takp-q", detail=f"<TakControl><TakRequest version={quoteattr(version)}/></TakControl>", stale_s=60)


@dataclass
class Cot:
    """One received event, whatever its wire encoding."""

    uid: str
    type: str
    lat: float
    lon: float
    detail: ET.Element
    encoding: str  # "xml" or "proto"
    raw: bytes = b""
    proto: object = None
    extra: dict = field(default_factory=dict)

    @property
    def callsign(self) -> Optional[str]:
        """``contact@callsign``, if any."""
        c = self.detail.find("contact")
        return c.get("callsign") if c is not None else None

    @property
    def link_uids(self) -> list[str]:
        """Every ``link@uid``."""
        return [l.get("uid", "") for l in self.detail.findall("link")]

    def find(self, path: str) -> Optional[ET.Element]:
        """An element under ``<detail>``."""
        return self.detail.find(path)

    def remarks(self) -> Optional[str]:
        """The ``remarks`` text."""
        r = self.detail.find("remarks")
        return r.text if r is not None else None

    def __repr__(self) -> str:
        return f"Cot({self.encoding} {self.type} uid={self.uid!r} cs={self.callsign!r} {self.lat:.5f},{self.lon:.5f})"


def parse_xml(raw: bytes) -> Cot:
    """Parses one ``<event>`` (declaration allowed). Raises ``ET.ParseError``."""
    root = ET.fromstring(raw)
    if root.tag != "event":
        raise ET.ParseError(f"root is {root.tag!r}, not event")
    point = root.find("point")
    detail = root.find("detail")
    return Cot(
        uid=root.get("uid", ""),
        type=root.get("type", ""),
        lat=float(point.get("lat", "nan")) if point is not None else float("nan"),
        lon=float(point.get("lon", "nan")) if point is not None else float("nan"),
        detail=detail if detail is not None else ET.Element("detail"),
        encoding="xml",
        raw=raw,
    )


def from_proto(msg) -> Cot:
    """The same view of a ``takproto.proto.TakMessage``: typed detail parts become XML
    elements, and ``xmlDetail`` wins where both carry an element (detail.proto rule)."""
    ev = msg.cotEvent
    d = ev.detail
    try:
        detail = ET.fromstring(f"<detail>{d.xmlDetail}</detail>")
    except ET.ParseError:
        detail = ET.Element("detail")

    def add(tag: str, attrs: dict) -> None:
        if detail.find(tag) is None:
            ET.SubElement(detail, tag, {k: str(v) for k, v in attrs.items() if v not in ("", None)})

    if d.HasField("contact"):
        add("contact", {"callsign": d.contact.callsign, "endpoint": d.contact.endpoint})
    if d.HasField("group"):
        add("__group", {"name": d.group.name, "role": d.group.role})
    if d.HasField("takv"):
        add("takv", {"device": d.takv.device, "platform": d.takv.platform, "os": d.takv.os, "version": d.takv.version})
    if d.HasField("status"):
        add("status", {"battery": d.status.battery})
    if d.HasField("track"):
        add("track", {"speed": d.track.speed, "course": d.track.course})
    if d.HasField("precisionLocation"):
        add("precisionlocation", {"geopointsrc": d.precisionLocation.geopointsrc, "altsrc": d.precisionLocation.altsrc})
    return Cot(uid=ev.uid, type=ev.type, lat=ev.lat, lon=ev.lon, detail=detail, encoding="proto", proto=msg)


def same_position(a: Cot, b: Cot, tol: float = 1e-6) -> bool:
    """Whether two views are at the same point (degrees)."""
    return abs(a.lat - b.lat) <= tol and abs(a.lon - b.lon) <= tol
