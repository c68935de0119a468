// kendall-gui: the desktop app (docs/gui.md). Everything lives in kendall_gui.
#include "kendall/gui/app.hpp"

int main(int argc, char** argv) {
  return kendall::gui::run(argc, argv);
}
