"""Render the application icon (resources/icons/opspanel.svg) to PNGs with Qt.

    python packaging/render_icons.py OUT_DIR

writes OUT_DIR/<N>x<N>/opspanel.png for the hicolor sizes and OUT_DIR/scalable/opspanel.svg
(the layout of /usr/share/icons/hicolor/*/apps), and OUT_DIR/opspanel.ico (256 px) for
Windows. Generated files are never committed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
"""hicolor sizes rendered (the freedesktop icon theme's usual application sizes)."""

SOURCE = Path(__file__).resolve().parents[1] / "resources" / "icons" / "opspanel.svg"
NAME = "opspanel"


def render(out_dir: Path, source: Path = SOURCE) -> list[Path]:
    """Write every size to `out_dir`; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {source}")
    written: list[Path] = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}x{size}" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    # Windows icon (the installer's and the .exe's); Qt's ICO writer stores one size.
    if image.save(str(out_dir / f"{NAME}.ico"), "ICO"):
        written.append(out_dir / f"{NAME}.ico")
    scalable = out_dir / "scalable" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    written.append(scalable)
    del app
    return written


def main(argv: list[str]) -> int:
    """Command line: one argument, the output folder."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for path in render(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
