#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kendall::validation::detail {

namespace {

// 1, 2 or 5 times a power of ten, giving about `count` ticks over [0, top].
double tick_step(double top, int count) {
  const double raw = top / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw)
      return m * power;
  return 10 * power;
}

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string tick_text(double value) {
  return fmt::format("{:g}", std::round(value * 1e6) / 1e6);
}

}  // namespace

std::string render_svg(const Chart& chart, int width, int height) {
  const double left = 64, right = 16, top = 36, bottom = 48;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  // The y range follows the measured and simulated points (markers) when there are any, so a
  // model curve rising steeply near saturation does not flatten them; lines are cut at the top.
  const bool any_markers = std::any_of(chart.series.begin(), chart.series.end(),
                                       [](const ChartSeries& s) { return s.markers; });
  double x_max = 0, y_max = 0;
  for (const auto& s : chart.series)
    for (const auto& p : s.points) {
      x_max = std::max(x_max, p.x);
      if (s.markers || !any_markers)
        y_max = std::max(y_max, any_markers ? p.y * 1.4 : p.y);
    }
  if (chart.reference)
    y_max = std::max(y_max, *chart.reference * 1.05);
  x_max = x_max > 0 ? x_max * 1.04 : 1;
  y_max = y_max > 0 ? y_max * 1.08 : 1;
  const double x_step = tick_step(x_max, 6), y_step = tick_step(y_max, 5);
  x_max = std::ceil(x_max / x_step) * x_step;
  y_max = std::ceil(y_max / y_step) * y_step;
  auto sx = [&](double x) { return left + x / x_max * plot_w; };
  auto sy = [&](double y) { return top + plot_h - y / y_max * plot_h; };

  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" )"
      R"(font-family="sans-serif" font-size="12">)"
      "\n",
      width, height, width, height);
  svg += fmt::format(R"(<text x="{}" y="20" font-size="14" font-weight="bold">{}</text>)"
                     "\n",
                     left, escape(chart.title));
  for (double y = 0; y <= y_max + y_step / 2; y += y_step) {
    svg += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e3e3e3"/>)"
                       R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" fill="#555">{}</text>)"
                       "\n",
                       left, sy(y), left + plot_w, sy(y), left - 6, sy(y) + 4, tick_text(y));
  }
  for (double x = 0; x <= x_max + x_step / 2; x += x_step) {
    svg += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#f0f0f0"/>)"
                       R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#555">{}</text>)"
                       "\n",
                       sx(x), top, sx(x), top + plot_h, sx(x), top + plot_h + 16, tick_text(x));
  }
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#888"/>)"
                     "\n",
                     left, top, plot_w, plot_h);
  svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)"
                     "\n",
                     left + plot_w / 2, height - 10, escape(chart.x_label));
  svg += fmt::format(
      "<text transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      top + plot_h / 2, escape(chart.y_label));
  if (chart.reference) {
    svg += fmt::format(
        R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#c0392b" stroke-dasharray="6 4"/>)"
        R"(<text x="{}" y="{:.1f}" text-anchor="end" fill="#c0392b">{}</text>)"
        "\n",
        left, sy(*chart.reference), left + plot_w, sy(*chart.reference), left + plot_w - 4,
        sy(*chart.reference) - 5, escape(chart.reference_label));
  }
  for (const auto& s : chart.series) {
    if (s.line && s.points.size() > 1) {
      std::string path;
      for (const auto& p : s.points) {
        if (p.y > y_max)
          break;
        path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", sx(p.x), sy(p.y));
      }
      svg += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"{}/>)"
                         "\n",
                         path, s.color, s.dashed ? R"( stroke-dasharray="5 4")" : "");
    }
    if (s.markers) {
      for (const auto& p : s.points) {
        if (p.low && p.high)
          svg += fmt::format(
              R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1.5"/>)",
              sx(p.x), sy(std::max(0.0, *p.low)), sx(p.x), sy(std::min(y_max, *p.high)), s.color);
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4.5" fill="{}" stroke="white"/>)"
                           "\n",
                           sx(p.x), sy(p.y), s.color);
      }
    }
  }
  double legend_y = top + 14;
  for (const auto& s : chart.series) {
    const double lx = left + 12;
    if (s.line)
      svg += fmt::format(
          R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="2"{}/>)", lx,
          legend_y - 4, lx + 22, legend_y - 4, s.color,
          s.dashed ? R"( stroke-dasharray="5 4")" : "");
    if (s.markers)
      svg += fmt::format(R"(<circle cx="{}" cy="{:.1f}" r="4" fill="{}"/>)", lx + 11, legend_y - 4,
                         s.color);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}">{}</text>)"
                       "\n",
                       lx + 28, legend_y, escape(s.name));
    legend_y += 16;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace kendall::validation::detail
