"""The OpenFst tools (Debian's libfst-tools and libfst22-plugins-base), run for real on a small
acceptor and on the installed model's ngram-type graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters import openfst
from assistant.adapters.model_store import resolve_model_dir
from assistant.core.errors import UserError

# A two-word acceptor: state 0 --knee(5)--> 1 --hurts(7)--> 2, final 2 with cost 0.5.
ACCEPTOR = "0\t1\t5\t5\t1.25\n1\t2\t7\t7\n2\t0.5\n"


def test_the_tools_and_the_ngram_plugin_are_installed() -> None:
    openfst.check_installed()
    folder = openfst.plugin_folder()
    assert folder is not None and (folder / openfst.PLUGIN).is_file()


def test_missing_tools_are_one_line_naming_apt_get(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no fst* tool on it
    with pytest.raises(UserError) as error:
        openfst.check_installed()
    message = str(error.value)
    assert "\n" not in message and "fstsymbols is missing" in message
    assert "apt-get install libfst-tools libfst22-plugins-base" in message


def test_compile_union_sort_and_print_round_trip(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(ACCEPTOR)
    compiled, joined, const = tmp_path / "a.fst", tmp_path / "u.fst", tmp_path / "c.fst"
    openfst.compile_text(text, compiled)
    openfst.union(compiled, compiled, joined)
    openfst.arc_sorted_const(joined, const, tmp_path)
    with openfst.printed(compiled) as lines:
        assert list(lines) == ["0\t1\t5\t1.25\n", "1\t2\t7\n", "2\t0.5\n"]
    # The second copy follows the first, entered by an epsilon arc from the start; each
    # state's arcs sorted by input label.
    with openfst.printed(const) as lines:
        assert list(lines) == [
            "0\t3\t0\n", "0\t1\t5\t1.25\n", "1\t2\t7\n", "2\t0.5\n",
            "3\t4\t5\t1.25\n", "4\t5\t7\n", "5\t0.5\n",
        ]  # fmt: skip


def test_a_failing_tool_is_one_line_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("0\tnot-a-state\n")
    with pytest.raises(UserError) as error:
        openfst.compile_text(broken, tmp_path / "b.fst")
    assert str(error.value).startswith("fstcompile failed (") and "\n" not in str(error.value)


def test_the_shipped_graph_is_read_through_the_plugin(tmp_path: Path) -> None:
    """The model's Gr.fst is of the ngram type: readable only with the plugin folder found."""
    table = tmp_path / "symbols.txt"
    openfst.save_symbols(resolve_model_dir() / "graph" / "Gr.fst", table)
    rows = table.read_text().splitlines()
    assert rows[0].split() == ["<eps>", "0"]
    assert any(row.split()[0] == "knee" for row in rows)
