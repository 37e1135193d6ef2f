"""The reference side on its own: the oracle protocol, its canonical form and its random edits.

These need no engine, so they tell apart "the harness is broken" from "the engine is wrong".
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.interop.canonical import canonical
from tests.interop.oracle import Oracle, OracleError

pytestmark = pytest.mark.interop

ACTOR_A = bytes.fromhex("aa" * 16)
ACTOR_B = bytes.fromhex("bb" * 16)
SCALAR_TAGS = ("str", "num", "bool", "ts", "bytes")


def _kinds(value: object, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        found.add("map")
        for v in value.values():
            _kinds(v, found)
    elif isinstance(value, list) and len(value) == 2 and value[0] in SCALAR_TAGS:
        found.add(value[0])
    elif isinstance(value, list):
        found.add("list")
        for v in value:
            _kinds(v, found)
    elif value is None:
        found.add("null")
    return found


def test_saved_document_loads_back_with_same_content_and_heads(js: Oracle) -> None:
    js.create("a", ACTOR_A)
    js.random_edits("a", seed=1, changes=5, edits=6)
    js.load("b", js.save("a"))
    assert js.canonical("b") == js.canonical("a")
    assert js.heads("b") == js.heads("a")
    assert len(js.heads("a")) == 1


def test_canonical_form_matches_python_for_every_scalar_type(js: Oracle) -> None:
    js.create("a", ACTOR_A)
    js.change(
        "a",
        [
            ["put", [], "str", ["str", "é ĳ 😀"]],
            ["put", [], "text", ["text", "e\u0301 中"]],
            ["put", [], "int", ["int", -(2**53 - 1)]],
            ["put", [], "uint", ["uint", 2**53 - 1]],
            ["put", [], "float", ["float", 3.0]],
            ["put", [], "frac", ["float", -0.125]],
            ["put", [], "bool", ["bool", False]],
            ["put", [], "null", ["null"]],
            ["put", [], "bytes", ["bytes", "00ff10"]],
            ["put", [], "ts", ["ts", -86_400_001]],
            ["put", [], "counter", ["counter", 5]],
            ["put", [], "map", ["map", {"list": ["list", [["int", 1], ["text", "x"]]]}]],
        ],
    )
    js.change("a", [["increment", [], "counter", -7]])
    expected = {
        "str": "é ĳ 😀",
        "text": "e\u0301 中",
        "int": -(2**53 - 1),
        "uint": 2**53 - 1,
        "float": 3.0,
        "frac": -0.125,
        "bool": False,
        "null": None,
        "bytes": b"\x00\xff\x10",
        "ts": datetime(1969, 12, 30, 23, 59, 59, 999000, tzinfo=UTC),
        "counter": -2,
        "map": {"list": [1, "x"]},
    }
    assert js.canonical("a") == canonical(expected)


def test_same_seed_and_actor_give_byte_identical_documents(js: Oracle) -> None:
    for name in ("a", "b"):
        js.create(name, ACTOR_A)
        js.random_edits(name, seed=42, changes=4, edits=8)
    assert js.all_changes("a") == js.all_changes("b")
    js.create("c", ACTOR_A)
    js.random_edits("c", seed=43, changes=4, edits=8)
    assert js.all_changes("c") != js.all_changes("a")


def test_random_edits_reach_every_value_kind(js: Oracle) -> None:
    found: set[str] = set()
    for seed in range(40):
        js.create(f"d{seed}", ACTOR_A)
        js.random_edits(f"d{seed}", seed=seed, changes=5, edits=8)
        _kinds(js.canonical(f"d{seed}"), found)
    assert found == {"map", "list", "str", "num", "bool", "ts", "bytes", "null"}


def test_two_reference_peers_converge_by_sync_messages(js: Oracle) -> None:
    js.create("a", ACTOR_A)
    js.random_edits("a", seed=7, changes=3)
    js.create("b", ACTOR_B)
    js.random_edits("b", seed=8, changes=3)
    js.init_sync_state("sa")
    js.init_sync_state("sb")
    for _ in range(10):
        m1 = js.generate_sync_message("a", "sa")
        if m1 is not None:
            js.receive_sync_message("b", "sb", m1)
        m2 = js.generate_sync_message("b", "sb")
        if m2 is not None:
            js.receive_sync_message("a", "sa", m2)
        if m1 is None and m2 is None:
            break
    assert js.heads("a") == js.heads("b")
    assert js.canonical("a") == js.canonical("b")
    js.decode_sync_state("sa2", js.encode_sync_state("sa"))
    assert js.encode_sync_state("sa2") == js.encode_sync_state("sa")


def test_decode_change_reports_metadata_and_reencodes_byte_for_byte(js: Oracle) -> None:
    js.create("a", ACTOR_A)
    js.change("a", [["put", [], "x", ["int", 1]]], message="één")
    js.change("a", [["put", [], "y", ["text", "ab"]]])
    first, second = js.all_changes("a")
    info = js.decode_change(second)
    assert info["actor"] == ACTOR_A.hex()
    assert (info["seq"], info["startOp"], info["ops"]) == (2, 2, 3)
    assert info["deps"] == [js.decode_change(first)["hash"]]
    assert js.decode_change(first)["message"] == "één"
    assert js.reencode_change(second) == second


def test_reference_refusal_raises_and_the_oracle_keeps_working(js: Oracle) -> None:
    with pytest.raises(OracleError, match="not a hex string"):
        js.call("load", doc="x", data="zz")
    with pytest.raises(OracleError, match="unknown command"):
        js.call("no-such-command")
    assert js.call("ping") == "pong"


def test_hung_node_times_out_and_the_next_call_restarts_it(oracle: Oracle) -> None:
    with pytest.raises(OracleError, match="no answer within"):
        oracle.call("hang", ms=5000, timeout=0.5)
    assert oracle.call("ping") == "pong"


def test_reads_show_the_op_set_not_the_reference_patch_cache(js: Oracle) -> None:
    """Upstream bug in @automerge/automerge 3.5.0: after one applyChanges batch holding an
    increment of list counter 0 and an insert + increment of a new counter 1, the JS document
    object shows [-2, 7] while its op set (load(save(doc)), view()) holds [7, -2]. The oracle
    must compare what the op set holds."""
    js.create("a", ACTOR_A)
    js.change("a", [["put", [], "tally", ["list", [["counter", 0]]]]])
    js.clone("a", "b", ACTOR_B)
    js.change("b", [["increment", ["tally"], 0, 7]])
    js.change("b", [["insert", ["tally"], 1, ["counter", 3]]])
    js.change("b", [["increment", ["tally"], 1, -5]])
    js.apply_changes("a", js.all_changes("b"))
    js.load("reloaded", js.save("a"))
    assert js.canonical("reloaded") == {"tally": [["num", 7], ["num", -2]]}
    assert js.canonical("a") == js.canonical("reloaded")
