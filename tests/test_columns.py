"""render/columns.py: the one aligner of every text table (show, diff, zoo) and the markdown
header of every GitHub table."""

from __future__ import annotations

from cnncalc.render.columns import Column, Grid, cells, markdown_head

COLUMNS = (Column("Name"), Column("A", right=True, drop=1), Column("B", right=True, drop=0))
ROWS = [("conv", "1,000", "7"), ("名前", "5", "123,456")]


def test_cells_are_aligned_in_terminal_columns() -> None:
    grid = Grid(COLUMNS, ROWS)
    assert [grid.head(), *map(grid.line, ROWS)] == [
        "Name     A       B",
        "conv 1,000       7",
        "名前     5 123,456",
    ]
    assert cells("名前") == 4 and cells("e\u0301") == 1


def test_narrow_terminal_drops_whole_columns_by_rank() -> None:
    grid = Grid(COLUMNS, ROWS, width=12)  # 18 wide: B (rank 0) goes, then the table fits
    assert [c.header for c in grid.dropped] == ["B"]
    assert grid.line(ROWS[0]) == "conv 1,000"
    tiny = Grid(COLUMNS, ROWS, width=1, keep=2)  # never fewer than `keep` columns
    assert [c.header for c in tiny.dropped] == ["B"]
    assert tiny.span() == len("Name 1,000")


def test_markdown_head() -> None:
    assert markdown_head((Column(""), Column("x"), Column("n", right=True)), right="--:") == [
        "| | x | n |", "|---|---|--:|"]
