"""Many engines in one window: the list the window knows (`registry`), each one's health
(`health`, `probe`), and the board that keeps a probe per entry while someone looks (`board`)."""
