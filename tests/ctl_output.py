"""Reading what `opspanel ctl` listings print: a header row, then aligned columns."""

from __future__ import annotations


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    """Where the columns are: runs of positions not blank in every line, split at gaps of
    two or more blanks (a single blank is inside a cell, as in `run 12`)."""
    width = max(len(line) for line in lines)
    padded = [line.ljust(width) for line in lines]
    blank = [all(line[i] == " " for line in padded) for i in range(width)]
    spans: list[tuple[int, int]] = []
    start = None
    for i in range(width + 1):
        if i < width and not blank[i]:
            if start is None:
                start = i
            continue
        if start is not None:
            if i + 1 < width and not blank[i + 1] and i < width:  # one blank: same cell
                continue
            spans.append((start, i))
            start = None
    return spans


def table(stdout: str) -> list[dict[str, str]]:
    """The rows of a ctl table as {HEADER: cell}; the header row must be there."""
    lines = stdout.splitlines()
    assert lines and lines[0] == lines[0].upper(), f"no header row in {stdout!r}"
    spans = _spans(lines)
    headers = [lines[0][a:b].strip() for a, b in spans]
    assert all(headers), f"columns not aligned under their headers in {stdout!r}"
    return [
        {h: line[a:b].strip() for h, (a, b) in zip(headers, spans, strict=True)}
        for line in lines[1:]
    ]


def column(stdout: str, header: str) -> list[str]:
    """One column of a ctl table, top to bottom."""
    return [row[header] for row in table(stdout)]
