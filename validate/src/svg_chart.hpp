#pragma once
// A small SVG line/point chart for the HTML report: linear axes with round ticks, lines,
// markers with vertical interval bars, a horizontal reference line, a legend.

#include <optional>
#include <string>
#include <vector>

namespace kendall::validation::detail {

struct ChartPoint {
  double x = 0;
  double y = 0;
  std::optional<double> low, high;  // interval bar
};

struct ChartSeries {
  std::string name;
  std::string color;
  std::vector<ChartPoint> points;
  bool line = true;
  bool markers = false;
  bool dashed = false;
};

struct Chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  std::optional<double> reference;  // e.g. the SLO
  std::string reference_label;
};

std::string render_svg(const Chart& chart, int width = 640, int height = 380);

}  // namespace kendall::validation::detail
