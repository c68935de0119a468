#pragma once
/// kendall-gui's entry point: `kendall-gui [SPEC] [--measured FILE.json]...`,
/// `--screenshot FILE.png` (render the main window to a PNG and exit; works with
/// QT_QPA_PLATFORM=offscreen) and `--time-changes N` (move the load slider N times, print the
/// per-change update times and exit). Exit codes: 0 ok, 1 runtime failure, 2 bad input.

namespace kendall::gui {

int run(int argc, char** argv);

}  // namespace kendall::gui
