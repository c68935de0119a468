// kendall-gui's command line: parse, build the window, and either run, screenshot or time.
#include "kendall/gui/app.hpp"

#include <QApplication>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSlider>
#include <QStringList>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "kendall/gui/main_window.hpp"
#include "kendall/gui/whatif_panel.hpp"

namespace kendall::gui {
namespace {

struct Arguments {
  QString spec;
  QStringList measured;
  QString screenshot;
  int time_changes = 0;
  QString error;
};

Arguments parse(const QStringList& args) {
  Arguments a;
  for (qsizetype i = 1; i < args.size(); ++i) {
    const QString& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--screenshot" && has_value) {
      a.screenshot = args[++i];
    } else if (arg == "--measured" && has_value) {
      a.measured << args[++i];
    } else if (arg == "--time-changes" && has_value) {
      a.time_changes = args[++i].toInt();
    } else if (arg == "-h" || arg == "--help") {
      a.error = "help";
    } else if (!arg.startsWith("--") && a.spec.isEmpty()) {
      a.spec = arg;
    } else {
      a.error = "unknown or incomplete argument: " + arg;
    }
  }
  return a;
}

void report(const char* what, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  const auto at = [&](double q) {
    return times[static_cast<std::size_t>(q * static_cast<double>(times.size() - 1))];
  };
  std::printf("%zu %s: median %.1f ms, p95 %.1f ms, max %.1f ms per change\n", times.size(), what,
              at(0.5), at(0.95), times.back());
}

// Moves the load slider, then the first service's service time, through the widgets, and
// reports each chart update's wall time (model solves and series, measured in refreshCharts).
int time_changes(MainWindow& window, int changes) {
  QSlider* slider = window.whatIf()->loadSlider();
  std::vector<double> load, service;
  for (int k = 0; k < changes; ++k) {
    slider->setValue(slider->minimum() + 1 + (k * 37) % (slider->maximum() - slider->minimum()));
    QApplication::processEvents();
    load.push_back(window.lastUpdateMilliseconds());
  }
  QDoubleSpinBox* time = window.whatIf()->serviceTimeSpin(0);
  const double start = time->value();
  for (int k = 0; k < changes; ++k) {
    time->setValue(start * (0.8 + 0.4 * (k % 10) / 10.0));
    QApplication::processEvents();
    service.push_back(window.lastUpdateMilliseconds());
  }
  report("load slider changes", load);
  report("service time changes (every curve recomputed)", service);
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Kendall");
  QApplication::setApplicationName("kendall-gui");
  const Arguments args = parse(QApplication::arguments());
  if (!args.error.isEmpty()) {
    std::fprintf(stderr,
                 "%s%susage: kendall-gui [SPEC] [--measured RESULT.json]... "
                 "[--screenshot FILE.png] [--time-changes N]\n",
                 args.error == "help" ? "" : qPrintable(args.error),
                 args.error == "help" ? "" : "\n");
    return args.error == "help" ? 0 : 2;
  }

  MainWindow window;
  window.resize(1400, 900);
  int status = 0;
  if (!args.spec.isEmpty() && !window.openSpec(args.spec)) {
    std::fprintf(stderr, "%s\n", qPrintable(window.errorLabel()->text()));
    status = 2;
  }
  for (const QString& path : args.measured) {
    if (!window.openMeasured(path)) {
      std::fprintf(stderr, "%s\n", qPrintable(window.errorLabel()->text()));
      status = 2;
    }
  }
  if (!args.screenshot.isEmpty()) {
    window.show();
    QApplication::processEvents();
    if (!window.grab().save(args.screenshot)) {
      std::fprintf(stderr, "cannot write %s\n", qPrintable(args.screenshot));
      return 1;
    }
    return status;
  }
  if (args.time_changes > 0)
    return status != 0 ? status : time_changes(window, args.time_changes);
  window.show();
  return QApplication::exec();
}

}  // namespace kendall::gui
