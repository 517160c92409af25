"""The ops desk and a real pytak field client (AUTHORITIES.md §2.3).

The operator enters a unit whose ``sa_uid`` is a pytak client's uid, its duty status,
a task and the assignment through the web API (``POST /api/ops/commands``); the engine
decides it against the default rule set. An allowed task reaches the client as a CoT
tasking event (``t-s``/``t-r``, uid ``watchfloor-task.<assignment>.<element>``) and a
GeoChat line from "JTF OPS"; the client answers through pytak, in GeoChat
(``WILCO <task>``) or with a ``y-*`` reply linked ``p-t`` to the task event, and the
board and the audit log follow. A refused task never reaches the field.

Bounded waits only: the server's answers are polled for a few seconds, and absence is
shown by a sentinel chat that arrives after anything the desk could have sent."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any, Callable, Optional

import pytest

import wfcot
from wfcot import Cot, new_uid

FROM = "2025-03-01T00:00:00Z"
DESK_UID = "watchfloor-ops"
DESK_CALLSIGN = "JTF OPS"
UNIT = "MP-CO"
# The default rule set's records (crates/ops/rules/default.toml).
DETECT_CITATION = "10 U.S.C. 124; 10 U.S.C. 274(b)(2)(A)-(C); 10 U.S.C. 284(b)(6),(10)"
COMM_RELAY_CITATION = "10 U.S.C. 274(b)(2)(A),(E); 10 U.S.C. 271"
PCA_RULE = "T10-PCA"
PCA_CITATION = "18 U.S.C. 1385; 10 U.S.C. 275; DoDI 3025.21 Encl. 3"
WAIT = 5.0


# --- the web API (no users file: the caller is the local operator with every role) ---


def _call(server, method: str, path: str, body: Optional[dict] = None) -> tuple[int, Any]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{server.web_port}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"} if data is not None else {},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            code, text = r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        code, text = e.code, e.read().decode("utf-8", errors="replace")
    try:
        return code, json.loads(text)
    except ValueError:
        return code, text


async def api(server, method: str, path: str, body: Optional[dict] = None) -> tuple[int, Any]:
    """One request on the web listener, off the event loop (pytak keeps reading)."""
    return await asyncio.to_thread(_call, server, method, path, body)


async def command(server, cmd: dict) -> dict:
    """``POST /api/ops/commands``; fails unless the engine accepted it."""
    code, v = await api(server, "POST", "/api/ops/commands", cmd)
    assert code == 200 and isinstance(v, dict) and v.get("accepted") is True, (code, cmd, v)
    return v


async def get_json(server, path: str) -> Any:
    code, v = await api(server, "GET", path)
    assert code == 200, (path, code, v)
    return v


async def poll(server, path: str, pred: Callable[[Any], bool], what: str, timeout: float = WAIT) -> Any:
    """GETs ``path`` until ``pred`` holds for its JSON; fails after ``timeout`` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        v = await get_json(server, path)
        if pred(v):
            return v
        if loop.time() > deadline:
            raise AssertionError(f"{what} not seen within {timeout}s at {path}: {json.dumps(v)[:3000]}")
        await asyncio.sleep(0.1)


def unit_cmd(sa_uid: str) -> dict:
    return {"op": "unit", "unit": {"id": UNIT, "designation": f"{UNIT} (interop)", "sa_uid": sa_uid}}


def t10_cmd() -> dict:
    return {
        "op": "status",
        "unit": UNIT,
        "status": {"kind": "T10", "state": "AZ", "order_ref": "interop EXORD", "from": FROM},
    }


def task_cmd(task_id: str, activity: str, title: str) -> dict:
    return {
        "op": "task",
        "task": {
            "id": task_id,
            "title": title,
            "requires": [{"activity": activity}],
            "window": {"from": FROM},
            "status": "APPROVED",
        },
    }


def assign_cmd(task_id: str) -> dict:
    return {"op": "assign", "task": task_id, "unit": UNIT}


def only_element(task_view: dict) -> tuple[str, dict]:
    """``(assignment id, element decision)`` of a task with one assignment to UNIT."""
    assignments = task_view["assignments"]
    assert len(assignments) == 1, task_view
    a = assignments[0]
    assert a["assignee"] == UNIT and len(a["elements"]) == 1, a
    e = a["elements"][0]
    assert e["element"] == UNIT, e
    return a["id"], e


def board_task(board: dict, task_id: str) -> Optional[dict]:
    return next((t for t in board["tasks"] if t["id"] == task_id), None)


def status_is(status: str) -> Callable[[Any], bool]:
    return lambda v: v["task"]["status"] == status


# --- what the field client sees ---


def tasking_for(task_id: str) -> Callable[[Cot], bool]:
    """The desk's CoT tasking event for ``task_id``."""

    def pred(e: Cot) -> bool:
        t = e.find("__watchfloor_task")
        return e.type.startswith("t-") and t is not None and t.get("task") == task_id

    return pred


def is_tasking(e: Cot) -> bool:
    """Any tasking event from the desk (or any ``t-`` event that is not TAK control)."""
    return e.uid.startswith("watchfloor-task.") or (e.type.startswith("t-") and not e.type.startswith("t-x-"))


def desk_chat(e: Cot) -> bool:
    c = e.find("__chat")
    return e.type == "b-t-f" and c is not None and c.get("senderCallsign") == DESK_CALLSIGN


def desk_chat_naming(task_id: str) -> Callable[[Cot], bool]:
    return lambda e: desk_chat(e) and f"TASK {task_id}" in (e.remarks() or "")


def reply(task_event: Cot, cot_type: str, remarks: str, *, link_uid: str = "") -> bytes:
    """A ``y-*`` reply referencing the tasking that elicited it (link relation ``p-t``)."""
    detail = (
        f'<link uid="{link_uid or task_event.uid}" relation="p-t" type="{task_event.type}"/>'
        f"<remarks>{remarks}</remarks>"
    )
    return wfcot.event(new_uid("reply"), cot_type, how="h-g-i-g-o", detail=detail, stale_s=60)


def tcp(server) -> str:
    return f"tcp://127.0.0.1:{server.tcp_port}"


async def field_unit(server, clients, name: str):
    """A real pytak client, identified with its SA (the desk's unit will carry its uid)."""
    unit = await clients.pytak(tcp(server), name)
    uid = new_uid(name)
    await unit.join(uid, name.upper(), lat=31.4, lon=-109.9)
    return unit, uid


async def records(server) -> list[dict]:
    v = await get_json(server, "/api/audit/records?from=0&limit=1000")
    assert isinstance(v, list), v
    return v


# --- the tests ---


async def test_a_pytak_unit_receives_its_task_and_wilco_moves_it_to_executing(server, clients):
    unit, uid = await field_unit(server, clients, "mp-one")
    task = "T-101"
    since = unit.mark()
    await command(server, {"op": "batch", "commands": [
        unit_cmd(uid), t10_cmd(), task_cmd(task, "DETECT", "Observe the wash crossing"), assign_cmd(task),
    ]})

    view = await get_json(server, f"/api/ops/tasks/{task}")
    assignment, element = only_element(view)
    assert (element["outcome"], element["sent"]) == ("ALLOWED", True), element
    assert view["task"]["status"] == "ASSIGNED", view["task"]
    task_uid = f"watchfloor-task.{assignment}.{UNIT}"

    # (a) The CoT tasking event, addressed to this client.
    got = await unit.wait_for(tasking_for(task), WAIT, since, "the CoT tasking event")
    assert got.uid == task_uid, got
    assert got.type == "t-s", got  # DETECT is ISR tasking
    assert got.callsign == f"TASK {task}", got
    meta = got.find("__watchfloor_task")
    assert (meta.get("assignment"), meta.get("element")) == (assignment, UNIT), got.raw
    links = [(l.get("uid"), l.get("relation")) for l in got.detail.findall("link")]
    assert links == [(uid, "t-s")], got.raw
    assert [d.get("uid") for d in got.detail.findall("marti/dest")] == [uid], got.raw
    assert task in (got.remarks() or "") and DETECT_CITATION in got.remarks(), got.raw

    # (b) The GeoChat line from JTF OPS naming the task and its authority.
    chat = await unit.wait_for(desk_chat_naming(task), WAIT, since, "the desk's GeoChat")
    text = chat.remarks() or ""
    assert text.startswith(f"TASK {task}: Observe the wash crossing (DETECT)"), text
    assert f"Authority: {DETECT_CITATION}." in text and f"WILCO {task}" in text, text
    assert DESK_UID in chat.link_uids, chat.raw
    assert [d.get("uid") for d in chat.detail.findall("marti/dest")] == [uid], chat.raw
    assert len(unit.matching(tasking_for(task), since)) == 1, unit.events

    # The field answers in GeoChat, to the desk, through pytak.
    wilco = wfcot.chat_direct(uid, "MP-ONE", DESK_UID, DESK_CALLSIGN, f"WILCO {task}")
    await unit.send(wilco)
    view = await poll(server, f"/api/ops/tasks/{task}", status_is("EXECUTING"), "EXECUTING after WILCO")
    _, element = only_element(view)
    assert element["answer"] == {"answer": "WILCO"}, element
    board = await get_json(server, "/api/ops/board")
    assert board_task(board, task)["status"] == "EXECUTING", board

    # The audit log holds the answer, from the field client.
    recs = await records(server)
    answers = [r for r in recs if r["action"] == "ops.reply" and task in r["subjects"]]
    assert len(answers) == 1, [r["action"] for r in recs]
    r = answers[0]
    assert (r["decision"], r["actor"]) == ("ACCEPTED", "MP-ONE"), r
    assert r["payload"]["command"] == {"op": "reply", "task": task, "answer": "WILCO"}, r
    assert r["payload"]["actor"].get("field_uid") == uid, r
    assert r["payload"]["actor"].get("roles", []) == [], r


async def test_a_refused_task_never_reaches_the_field(server, clients):
    unit, uid = await field_unit(server, clients, "mp-two")
    other = await clients.raw(server.tcp_port, "sentinel")
    other_uid = new_uid("sentinel")
    await other.join(other_uid, "SENTINEL")
    refused, allowed = "T-201", "T-202"
    since = unit.mark()
    await command(server, {"op": "batch", "commands": [
        unit_cmd(uid), t10_cmd(), task_cmd(refused, "ARREST_DETAIN", "Detain the driver"), assign_cmd(refused),
    ]})

    board = await get_json(server, "/api/ops/board")
    t = board_task(board, refused)
    assert t is not None and t["status"] == "REFUSED" and t["refused"] == 1, board
    _, element = only_element(t)
    assert (element["engine"], element["outcome"], element["sent"]) == ("REFUSED", "REFUSED", False), element
    [activity] = element["activities"]
    assert (activity["activity"], activity["outcome"], activity["rule"]) == ("ARREST_DETAIN", "REFUSED", PCA_RULE), activity
    assert activity["citation"] == PCA_CITATION, activity
    assert "prohibited for T10" in activity["reason"] and PCA_CITATION in activity["reason"], activity

    # Nothing for it in the field: not within two desk ticks, and not before a chat
    # sent after the refusal (which the router queues behind anything the desk sent).
    with pytest.raises(AssertionError):
        await unit.wait_for(lambda e: is_tasking(e) or desk_chat(e), 2.5, since, "anything from the desk")
    note = wfcot.chat_all(other_uid, "SENTINEL", "sentinel after the refusal")
    await other.send(note)
    got = await unit.wait_for(lambda e: e.uid == wfcot.parse_xml(note).uid, WAIT, since, "the sentinel chat")
    assert got.remarks() == "sentinel after the refusal"
    assert not unit.matching(is_tasking, since), unit.events
    assert not unit.matching(desk_chat, since), unit.events
    assert not unit.matching(lambda e: refused in e.raw.decode("utf-8", "replace"), since), unit.events
    assert server.metric("watchfloor_ops_tasks_dispatched_total") == 0

    # The same client does receive an allowed task (the socket and the routing work).
    since = unit.mark()
    await command(server, {"op": "batch", "commands": [
        task_cmd(allowed, "COMM_RELAY", "Relay for the CBP team"), assign_cmd(allowed),
    ]})
    got = await unit.wait_for(tasking_for(allowed), WAIT, since, "the allowed task")
    assert got.type == "t-r" and COMM_RELAY_CITATION in (got.remarks() or ""), got.raw
    await unit.wait_for(desk_chat_naming(allowed), WAIT, since, "the allowed task's chat")
    await unit.sync()
    assert [e.find("__watchfloor_task").get("task") for e in unit.matching(is_tasking)] == [allowed], unit.events
    assert server.metric("watchfloor_ops_tasks_dispatched_total") == 1
    assert (await get_json(server, f"/api/ops/tasks/{refused}"))["task"]["status"] == "REFUSED"


async def test_a_y_reply_with_a_task_link_completes_the_task(server, clients):
    unit, uid = await field_unit(server, clients, "mp-three")
    task = "T-301"
    since = unit.mark()
    await command(server, {"op": "batch", "commands": [
        unit_cmd(uid), t10_cmd(), task_cmd(task, "COMM_RELAY", "Relay net on the ridge"), assign_cmd(task),
    ]})
    got = await unit.wait_for(tasking_for(task), WAIT, since, "the CoT tasking event")
    task_uid = got.uid
    assignment, _ = only_element(await get_json(server, f"/api/ops/tasks/{task}"))
    assert task_uid == f"watchfloor-task.{assignment}.{UNIT}" and got.type == "t-r", got

    # y-a-w (Wilco) linked to the task event: EXECUTING.
    await unit.send(reply(got, "y-a-w", "wilco"))
    view = await poll(server, f"/api/ops/tasks/{task}", status_is("EXECUTING"), "EXECUTING after y-a-w")
    assert only_element(view)[1]["answer"] == {"answer": "WILCO"}, view

    # A y-* reply that links no task of ours changes nothing (checked after the next one).
    await unit.send(reply(got, "y-c-s", "not ours", link_uid=f"watchfloor-task.A-999999.{UNIT}"))
    # y-c-s (Complete: Success) linked to the task event: COMPLETE.
    await unit.send(reply(got, "y-c-s", "relay up, net checked"))
    view = await poll(server, f"/api/ops/tasks/{task}", status_is("COMPLETE"), "COMPLETE after y-c-s")
    assert only_element(view)[1]["answer"] == {"answer": "COMPLETE"}, view
    board = await get_json(server, "/api/ops/board")
    assert board_task(board, task)["status"] == "COMPLETE", board

    recs = await records(server)
    answers = [r["payload"]["command"]["answer"] for r in recs if r["action"] == "ops.reply" and task in r["subjects"]]
    assert answers == ["WILCO", "COMPLETE"], [(r["action"], r["subjects"]) for r in recs]
    done = [r for r in recs if r["action"] == "ops.task_status" and r.get("decision") == "COMPLETE"]
    assert len(done) == 1 and done[0]["subjects"][0] == task, done
    assert any(f"reported by {uid}" in reason for reason in done[0]["reasons"]), done
