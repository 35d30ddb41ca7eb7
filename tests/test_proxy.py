"""The HAProxy configuration for N apps is the committed file with one server line per app."""

from __future__ import annotations

import re

import pytest

from src.proxy import CONFIG, COOKIE, config_for

SERVER = re.compile(r"^\s*server\s+(\S+)\s+(\S+)\s+(.*)$", re.MULTILINE)


def test_the_committed_file_names_two_apps_on_the_documented_ports() -> None:
    servers = SERVER.findall(CONFIG.read_text(encoding="utf-8"))
    assert [(name, addr) for name, addr, _ in servers] == [
        ("app1", '"127.0.0.1:${KCM_APP1_PORT-8601}"'),
        ("app2", '"127.0.0.1:${KCM_APP2_PORT-8602}"'),
    ]
    assert f"cookie {COOKIE} insert" in CONFIG.read_text(encoding="utf-8")


@pytest.mark.parametrize("ports", [[9001], [9001, 9002, 9003]])
def test_config_for_writes_one_server_per_port_each_with_its_own_cookie(ports: list[int]) -> None:
    text = config_for(ports)
    servers = SERVER.findall(text)
    assert [(name, addr) for name, addr, _ in servers] == [
        (f"app{k}", f"127.0.0.1:{port}") for k, port in enumerate(ports, start=1)
    ]
    for k, (_, _, options) in enumerate(servers, start=1):
        assert options.split() == ["check", "inter", "2s", "cookie", f"app{k}"]
    # everything around the server lines is the committed file's
    assert (
        text.split("    server app1")[0]
        == CONFIG.read_text(encoding="utf-8").split("    server app1")[0]
    )


def test_config_for_needs_a_first_server_line() -> None:
    with pytest.raises(ValueError, match="server app1"):
        config_for([9001], template="backend apps\n    balance roundrobin\n")
