// Reads load test and validate JSON with Qt's JSON parser (no extra dependency for the GUI).
#include "kendall/gui/measured.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "kendall/base/error.hpp"

namespace kendall::gui {
namespace {

std::optional<double> number(const QJsonObject& object, const char* key) {
  const QJsonValue value = object.value(QLatin1String(key));
  if (!value.isDouble())
    return std::nullopt;
  return value.toDouble();
}

// One load test step (or the whole run): the offered rate, or users in closed loop.
MeasuredPoint loadtest_point(const QJsonObject& step, const QJsonObject& run, bool closed) {
  MeasuredPoint p;
  p.throughput = number(step, "throughput").value_or(0);
  if (closed) {
    p.load = number(step, "users").value_or(number(run, "users").value_or(0));
  } else {
    p.load = number(step, "target_rate").value_or(p.throughput);
  }
  const QJsonObject latency = step.value(QLatin1String("latency")).toObject();
  p.mean = number(latency, "mean");
  p.p95 = number(latency, "p95");
  return p;
}

}  // namespace

MeasuredSet parse_measured(const std::string& text, const std::string& source) {
  QJsonParseError error{};
  const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
  if (error.error != QJsonParseError::NoError || !document.isObject()) {
    throw InputError(
        fmt::format("{}: not a JSON object ({}); expected the --format json output "
                    "of kendall loadtest or kendall validate",
                    source, error.errorString().toStdString()));
  }
  const QJsonObject root = document.object();
  const std::string name = std::filesystem::path(source).filename().string();
  MeasuredSet set;
  if (root.value(QLatin1String("levels")).isArray()) {
    set.label = "validate " + name;
    set.closed = root.value(QLatin1String("mode")).toString() == QLatin1String("closed");
    for (const QJsonValue& level : root.value(QLatin1String("levels")).toArray()) {
      const QJsonObject l = level.toObject();
      const QJsonObject measured = l.value(QLatin1String("measured")).toObject();
      MeasuredPoint p;
      p.throughput = number(measured, "throughput").value_or(0);
      // Open runs give the offered rate, closed ones the users.
      p.load = number(l, set.closed ? "users" : "rate").value_or(p.throughput);
      p.mean = number(measured, "mean");
      p.p95 = number(measured, "p95");
      set.points.push_back(p);
    }
    return set;
  }
  if (root.contains(QLatin1String("throughput")) || root.contains(QLatin1String("steps"))) {
    set.label = "loadtest " + name;
    set.closed = root.value(QLatin1String("mode")).toString() == QLatin1String("closed");
    const QJsonArray steps = root.value(QLatin1String("steps")).toArray();
    if (steps.isEmpty()) {
      set.points.push_back(loadtest_point(root, root, set.closed));
    } else {
      for (const QJsonValue& step : steps)
        set.points.push_back(loadtest_point(step.toObject(), root, set.closed));
    }
    return set;
  }
  throw InputError(
      fmt::format("{}: neither a load test result (no \"throughput\" or \"steps\") "
                  "nor validate output (no \"levels\")",
                  source));
}

MeasuredSet read_measured(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("cannot read \"{}\": no such file or not readable", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_measured(text.str(), path);
}

}  // namespace kendall::gui
