"""A light Streamlit client: one app session over the websocket a browser uses, no browser.

It speaks the same protocol as Streamlit's frontend (``/_stcore/stream``, binary protobufs):
it asks for a run with a ``rerun_script`` BackMsg carrying the query string, the page and the
widget values, and reads the ForwardMsgs until that run's ``script_finished``. The widgets'
ids are taken from the elements the runs draw, so a filter is set by its label, as a user
would. The load bench drives many of these at once: a session costs the server what a
browser's would, and the bench machine almost nothing.

The message building and reading below are pure; only :class:`Session` does network I/O.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.cookies import SimpleCookie

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

from src.ui.sidebar import FILTERS_PENDING_KEY

#: The path of the app's websocket.
STREAM_PATH = "/_stcore/stream"
#: A run's end that counts: finished (not cut short by a newer run, not a compile error).
_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The element kinds of the filters this client can set.
WIDGET_KINDS = ("radio", "slider", "multiselect", "selectbox", "text_input")


@dataclass(frozen=True)
class Widget:
    """A widget as the last run drew it: what a client needs to set its value."""

    kind: str
    id: str
    label: str
    options: tuple[str, ...] = ()
    #: Slider bounds, in the slider's units (microseconds since 1970 for dates).
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0


@dataclass
class RunResult:
    """What one run sent back: its time, its widgets by label, and any exception shown."""

    seconds: float = 0.0
    widgets: dict[str, Widget] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    page_hash: str = ""
    #: The URL's query string as the run left it (None: the run did not change it).
    query_string: str | None = None
    messages: int = 0
    bytes: int = 0
    #: Bytes per element kind drawn ("dataframe", "markdown", "iframe"…; "other" for the rest).
    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    #: The run drew the map before the filters (a session's first view of the map, see
    #: ``src/ui/shell.prepare``): the map's frame reports it drawn, which reruns the page.
    map_first: bool = False

    def add(self, later: RunResult) -> RunResult:
        """This run followed by ``later`` (the one the map's report started), as one."""
        kinds = dict(self.bytes_by_kind)
        for kind, n in later.bytes_by_kind.items():
            kinds[kind] = kinds.get(kind, 0) + n
        return RunResult(
            seconds=self.seconds + later.seconds,
            widgets=later.widgets,
            exceptions=self.exceptions + later.exceptions,
            warnings=self.warnings + later.warnings,
            page_hash=later.page_hash or self.page_hash,
            query_string=later.query_string
            if later.query_string is not None
            else self.query_string,
            messages=self.messages + later.messages,
            bytes=self.bytes + later.bytes,
            bytes_by_kind=kinds,
        )


def rerun_message(
    query_string: str,
    page_script_hash: str,
    states: Iterable[WidgetState],
    page_name: str = "",
) -> BackMsg:
    """The BackMsg a browser sends to (re)run the script with these widget values
    (``page_name``: the page's URL path, as a browser's first run names the page it opens)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = page_script_hash
    msg.rerun_script.page_name = page_name
    msg.rerun_script.widget_states.widgets.extend(states)
    return msg


def string_state(widget_id: str, value: str) -> WidgetState:
    """A radio's or selectbox's value: the option as the widget shows it."""
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state


def strings_state(widget_id: str, values: Sequence[str]) -> WidgetState:
    """A multiselect's value: the chosen options as the widget shows them."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.extend(values)
    return state


def date_micros(day: date) -> float:
    """A date as a date slider carries it: microseconds from 1970 to that midnight (UTC)."""
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return (moment - _EPOCH).total_seconds() * 1_000_000


def range_state(widget_id: str, low: float, high: float) -> WidgetState:
    """A range slider's value (for a date slider, in :func:`date_micros`)."""
    state = WidgetState(id=widget_id)
    state.double_array_value.data.extend([low, high])
    return state


def widget_in(msg: ForwardMsg) -> Widget | None:
    """The settable widget a delta draws, if it draws one."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind not in WIDGET_KINDS:
        return None
    proto = getattr(element, kind)
    if kind == "slider":
        return Widget(kind, proto.id, proto.label, (), proto.min, proto.max, proto.step)
    options = tuple(proto.options) if kind != "text_input" else ()
    return Widget(kind, proto.id, proto.label, options)


def element_kind(msg: ForwardMsg) -> str:
    """The kind of element a delta draws ("other" for every other message)."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return "other"
    return msg.delta.new_element.WhichOneof("type") or "other"


def exception_in(msg: ForwardMsg) -> tuple[str, bool] | None:
    """(type: message, is it only a warning) of an exception box a delta draws, if any."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    if element.WhichOneof("type") != "exception":
        return None
    exc = element.exception
    return f"{exc.type}: {exc.message}", exc.is_warning


def cookies_set(set_cookie_headers: Iterable[str]) -> dict[str, str]:
    """Name → value of the cookies a response's ``Set-Cookie`` headers set (attributes
    dropped: the client sends them all back, as a browser on that one host would)."""
    jar: dict[str, str] = {}
    for header in set_cookie_headers:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def cookie_header(cookies: dict[str, str]) -> str:
    """The ``Cookie`` request header that sends ``cookies`` back."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def page_cookies(url: str, timeout_s: float = 60) -> dict[str, str]:
    """GET the app's page (as a browser's first request) and return the cookies it set."""
    with urllib.request.urlopen(url, timeout=timeout_s) as resp:
        resp.read()
        return cookies_set(resp.headers.get_all("Set-Cookie") or [])


class ProtocolError(RuntimeError):
    """The server said something a run must not end with (a compile error, a page not
    found, a closed socket)."""


class Session:
    """One app session over its own websocket, on one page, with the values it has set."""

    def __init__(
        self,
        base_url: str,
        query_string: str = "",
        *,
        load_page: bool = False,
        page_name: str = "",
    ) -> None:
        """``load_page``: GET the page first, as a browser does, and send the cookies it set
        with the websocket upgrade (a sticky proxy's cookie names the process to stay on).
        ``page_name``: the page to open (its URL path, e.g. "Claims"; "" = the default)."""
        self.page_name = page_name
        self.base_url = base_url.rstrip("/")
        self.ws_url = self.base_url.replace("http://", "ws://", 1) + STREAM_PATH
        self.query_string = query_string
        self.load_page = load_page
        #: The cookies the page's response set (name → value); empty without ``load_page``.
        self.cookies: dict[str, str] = {}
        #: This end's (host, port) of the websocket, once connected.
        self.local_address: tuple[str, int] | None = None
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}
        self._states: dict[str, WidgetState] = {}
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> Session:
        if self.load_page:
            self.cookies = await asyncio.to_thread(page_cookies, self.base_url + "/")
        headers = {"Cookie": cookie_header(self.cookies)} if self.cookies else None
        # As a browser's socket: no size cap (at 100k claims one map delta is tens of MB) and
        # no protocol pings (a busy server answers them late; the run's timeout bounds waits).
        self._ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers=headers,
            max_size=None,
            ping_interval=None,
        )
        host, port = self._ws.local_address[:2]
        self.local_address = (str(host), int(port))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()

    def set(self, state: WidgetState) -> None:
        """Give a widget a value for the next run (it keeps it, as the browser's widgets do)."""
        self._states[state.id] = state

    def forget_missing(self) -> None:
        """Drop values of widgets the last run no longer drew (a period's old date slider)."""
        ids = {w.id for w in self.widgets.values()}
        self._states = {k: v for k, v in self._states.items() if k in ids}

    async def run(self, timeout_s: float) -> RunResult:
        """Ask for a run with the values set so far; return when it has finished."""
        if self._ws is None:
            raise ProtocolError("session not connected")
        page_name = "" if self.page_hash else self.page_name  # later runs name it by hash
        msg = rerun_message(self.query_string, self.page_hash, self._states.values(), page_name)
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        result = await asyncio.wait_for(self._read_run(), timeout_s)
        result.seconds = time.perf_counter() - started
        self.widgets = result.widgets
        if result.page_hash:
            self.page_hash = result.page_hash
        if result.query_string is not None:  # the browser's address bar follows the app
            self.query_string = result.query_string
        self.forget_missing()
        if result.map_first:  # a browser's map reports its first draw: the page's next run
            result = result.add(await self.run(timeout_s))
        return result

    async def _read_run(self) -> RunResult:
        assert self._ws is not None
        result = RunResult()
        while True:
            raw = await self._ws.recv()
            if not isinstance(raw, bytes):
                raise ProtocolError(f"text frame from the server: {raw[:200]!r}")
            result.messages += 1
            result.bytes += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = element_kind(msg)
            result.bytes_by_kind[kind] = result.bytes_by_kind.get(kind, 0) + len(raw)
            if _read_one(msg, result):
                return result


def _read_one(msg: ForwardMsg, result: RunResult) -> bool:
    """Note what one ForwardMsg says into ``result``; True once the run has finished."""
    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        if msg.script_finished == _DONE:
            return True
        if msg.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR:
            raise ProtocolError("the script failed to compile")
        result.widgets.clear()  # cut short by a newer run: that run draws them again
        return False
    if kind == "page_not_found":
        raise ProtocolError(f"page not found: {msg.page_not_found.page_name!r}")
    if kind == "new_session":
        result.page_hash = msg.new_session.page_script_hash
    elif kind == "navigation" and msg.navigation.page_script_hash:  # the page st.navigation ran
        result.page_hash = msg.navigation.page_script_hash
    elif kind == "page_info_changed":  # the app wrote its filters into the URL
        result.query_string = msg.page_info_changed.query_string
    elif (widget := widget_in(msg)) is not None:
        result.widgets[widget.label] = widget
    elif element_kind(msg) == "button" and msg.delta.new_element.button.id.endswith(
        FILTERS_PENDING_KEY
    ):
        result.map_first = True
    elif (shown := exception_in(msg)) is not None:
        (result.warnings if shown[1] else result.exceptions).append(shown[0])
    return False
