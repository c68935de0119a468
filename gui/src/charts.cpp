// Chart builders over Qt Charts; series and axes are created once and found by name after.
#include "kendall/gui/charts.hpp"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace kendall::gui {
namespace {

const QColor palette[] = {QColor(0x25, 0x63, 0xeb), QColor(0xea, 0x58, 0x0c),
                          QColor(0x16, 0xa3, 0x4a), QColor(0x93, 0x33, 0xea),
                          QColor(0x08, 0x91, 0xb2), QColor(0xdb, 0x27, 0x77)};
QColor colour(std::size_t i) {
  return palette[i % std::size(palette)];
}

QValueAxis* value_axis(QChart* chart, Qt::Alignment side, const QString& title) {
  const QString name = side == Qt::AlignBottom ? "x" : "y";
  for (QAbstractAxis* axis : chart->axes()) {
    if (axis->objectName() == name) {
      axis->setTitleText(title);
      return qobject_cast<QValueAxis*>(axis);
    }
  }
  auto* axis = new QValueAxis(chart);
  axis->setObjectName(name);
  axis->setTitleText(title);
  axis->setLabelFormat("%.4g");
  axis->setTickCount(side == Qt::AlignBottom ? 9 : 6);
  chart->addAxis(axis, side);
  return axis;
}

// The series of that name, created (with the given pen) and attached to x and y on first use.
template <typename Series>
Series* series(QChart* chart, const QString& name, const QPen& pen, bool in_legend = true) {
  for (QAbstractSeries* s : chart->series()) {
    if (s->name() == name) {
      if (auto* typed = qobject_cast<Series*>(s))
        return typed;
    }
  }
  auto* s = new Series(chart);
  s->setName(name);
  s->setPen(pen);
  if constexpr (std::is_same_v<Series, QScatterSeries>) {
    s->setColor(pen.color());
    s->setBorderColor(Qt::white);
    s->setMarkerSize(10);
  }
  chart->addSeries(s);
  for (QAbstractAxis* axis : chart->axes()) {
    if (axis->objectName() == "x" || axis->objectName() == "y")
      s->attachAxis(axis);
  }
  for (QLegendMarker* marker : chart->legend()->markers(s))
    marker->setVisible(in_legend);
  return s;
}

QPen pen(const QColor& c, qreal width, Qt::PenStyle style = Qt::SolidLine) {
  QPen p(c, width, style);
  p.setCosmetic(true);
  return p;
}

QList<QPointF> points(const std::vector<Point>& values, double y_factor) {
  QList<QPointF> out;
  out.reserve(static_cast<qsizetype>(values.size()));
  for (const auto& p : values)
    out.append(QPointF(p.x, p.y * y_factor));
  return out;
}

// Drops series of a previous spec (other class names) that this update did not touch.
void remove_others(QChart* chart, const QStringList& keep) {
  for (QAbstractSeries* s : chart->series()) {
    if (!keep.contains(s->name())) {
      chart->removeSeries(s);
      delete s;
    }
  }
}

double nice_ceiling(double value) {
  if (!(value > 0))
    return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (const double step : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
    if (step * magnitude >= value)
      return step * magnitude;
  }
  return 10 * magnitude;
}

QString load_title(const Curves& curves) {
  return curves.workload == model::WorkloadType::open ? "total arrival rate (requests/s)" : "users";
}

}  // namespace

QChart* make_chart(const QString& title) {
  auto* chart = new QChart();
  chart->setTitle(title);
  QFont font = chart->titleFont();
  font.setPointSizeF(11);
  font.setBold(true);
  chart->setTitleFont(font);
  chart->setDropShadowEnabled(false);
  chart->setBackgroundRoundness(0);
  chart->setMargins(QMargins(6, 6, 6, 6));
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setAnimationOptions(QChart::NoAnimation);
  return chart;
}

void update_latency_chart(QChart* chart, const Curves& curves,
                          const std::vector<MeasuredSet>& measured) {
  QValueAxis* x = value_axis(chart, Qt::AlignBottom, load_title(curves));
  QValueAxis* y = value_axis(chart, Qt::AlignLeft, "response time (ms)");
  QStringList keep;
  double data_max = 0;
  double focus = 0;  // what the y axis must show: SLOs and the operating point, with room
  for (std::size_t i = 0; i < curves.classes.size(); ++i) {
    const ClassCurves& c = curves.classes[i];
    const QString name = QString::fromStdString(c.name);
    const QColor col = colour(i);
    // One legend entry per class (its colour); the title tells the line styles apart.
    auto* mean = series<QLineSeries>(chart, name + " mean", pen(col, 2));
    mean->replace(points(c.mean, 1e3));
    for (QLegendMarker* marker : chart->legend()->markers(mean))
      marker->setLabel(name);
    auto* p95 = series<QLineSeries>(chart, name + " p95", pen(col, 2, Qt::DashLine), false);
    p95->replace(points(c.p95, 1e3));
    keep << mean->name() << p95->name();
    for (const auto& p : c.p95)
      data_max = std::max(data_max, p.y * 1e3);
    for (const auto& p : c.mean)
      data_max = std::max(data_max, p.y * 1e3);
    if (c.slo) {
      auto* slo =
          series<QLineSeries>(chart, name + " SLO", pen(col.darker(130), 1.5, Qt::DotLine), false);
      slo->replace({QPointF(0, *c.slo * 1e3), QPointF(curves.load_max, *c.slo * 1e3)});
      slo->setName(name + " SLO");
      keep << slo->name();
      focus = std::max(focus, 1.6 * *c.slo * 1e3);
    }
    auto* now_mean = series<QScatterSeries>(chart, name + " mean now", pen(col, 1), false);
    auto* now_p95 = series<QScatterSeries>(chart, name + " p95 now", pen(col, 1), false);
    now_mean->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    now_p95->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    now_mean->replace(c.now_mean ? QList{QPointF(c.now_mean->x, c.now_mean->y * 1e3)}
                                 : QList<QPointF>{});
    now_p95->replace(c.now_p95 ? QList{QPointF(c.now_p95->x, c.now_p95->y * 1e3)}
                               : QList<QPointF>{});
    if (c.now_p95)
      focus = std::max(focus, 1.5 * c.now_p95->y * 1e3);
    keep << now_mean->name() << now_p95->name();
  }
  for (std::size_t k = 0; k < measured.size(); ++k) {
    const QString label = QString::fromStdString(measured[k].label);
    const QColor col = k == 0 ? QColor(0x11, 0x18, 0x27) : QColor(0x6b, 0x72, 0x80);
    auto* mean = series<QScatterSeries>(chart, label + " mean", pen(col, 1));
    auto* p95 = series<QScatterSeries>(chart, label + " p95", pen(col, 1));
    mean->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    p95->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    mean->setMarkerSize(8);
    p95->setMarkerSize(9);
    QList<QPointF> m, p;
    for (const auto& point : measured[k].points) {
      if (point.mean)
        m.append(QPointF(point.load, *point.mean * 1e3));
      if (point.p95) {
        p.append(QPointF(point.load, *point.p95 * 1e3));
        focus = std::max(focus, 1.1 * *point.p95 * 1e3);
      }
    }
    mean->replace(m);
    p95->replace(p);
    keep << mean->name() << p95->name();
  }
  remove_others(chart, keep);
  x->setRange(0, nice_ceiling(curves.load_max));
  x->applyNiceNumbers();
  const double top = focus > 0 ? std::min(data_max, focus) : data_max;
  y->setRange(0, nice_ceiling(std::max(top, focus > 0 ? focus / 1.6 : 0.0) * 1.05));
}

void update_utilization_chart(QChart* chart, const Curves& curves) {
  QStackedBarSeries* bars = nullptr;
  for (QAbstractSeries* s : chart->series()) {
    if (auto* b = qobject_cast<QStackedBarSeries*>(s))
      bars = b;
  }
  if (!bars) {
    bars = new QStackedBarSeries(chart);
    bars->setName("utilization");
    const std::pair<const char*, QColor> sets[] = {{"ample", QColor(0x22, 0xc5, 0x5e)},
                                                   {"tight", QColor(0xf5, 0x9e, 0x0b)},
                                                   {"over cap", QColor(0xdc, 0x26, 0x26)}};
    for (const auto& [label, col] : sets) {
      auto* set = new QBarSet(label);
      set->setColor(col);
      set->setBorderColor(col.darker(115));
      bars->append(set);
    }
    bars->setLabelsVisible(true);
    bars->setLabelsFormat("@value%");
    bars->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    bars->setBarWidth(0.6);
    chart->addSeries(bars);
    auto* categories = new QBarCategoryAxis(chart);
    categories->setObjectName("services");
    chart->addAxis(categories, Qt::AlignBottom);
    bars->attachAxis(categories);
    auto* y = new QValueAxis(chart);
    y->setObjectName("percent");
    y->setTitleText("utilization per worker (%)");
    y->setRange(0, 100);
    y->setLabelFormat("%.0f");
    y->setTickCount(6);
    chart->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(y);
    // The cap as a line over the bars, on its own hidden axis spanning the categories.
    auto* x = new QValueAxis(chart);
    x->setObjectName("cap-x");
    x->setVisible(false);
    chart->addAxis(x, Qt::AlignTop);
    auto* cap = new QLineSeries(chart);
    cap->setName("cap");
    cap->setPen(pen(QColor(0x37, 0x41, 0x51), 1.5, Qt::DashLine));
    chart->addSeries(cap);
    cap->attachAxis(x);
    cap->attachAxis(y);
  }
  QStringList names;
  for (const auto& s : curves.services)
    names << QString::fromStdString(s.name);
  auto* categories = qobject_cast<QBarCategoryAxis*>(bars->attachedAxes().at(0));
  if (categories->categories() != names) {
    categories->clear();
    categories->append(names);
  }
  const auto sets = bars->barSets();
  for (int k = 0; k < sets.size(); ++k) {
    QList<qreal> values;
    for (const auto& s : curves.services) {
      const bool here = static_cast<int>(s.headroom) == k;
      values.append(here ? std::round(1000 * s.utilization) / 10 : 0);
    }
    if (sets[k]->count() != values.size()) {
      sets[k]->remove(0, sets[k]->count());
      sets[k]->append(values);
    } else {
      for (int i = 0; i < values.size(); ++i)
        sets[k]->replace(i, values[i]);
    }
  }
  double top = 100;
  for (const auto& s : curves.services)
    top = std::max(top, std::ceil(s.utilization * 10) * 10);
  for (QAbstractAxis* axis : chart->axes()) {
    if (axis->objectName() == "percent")
      qobject_cast<QValueAxis*>(axis)->setRange(0, top);
    if (axis->objectName() == "cap-x")
      qobject_cast<QValueAxis*>(axis)->setRange(-0.5, static_cast<double>(names.size()) - 0.5);
  }
  for (QAbstractSeries* s : chart->series()) {
    if (s->name() == "cap") {
      const double cap = 100 * curves.max_utilization;
      qobject_cast<QLineSeries*>(s)->replace(
          {QPointF(-0.5, cap), QPointF(static_cast<double>(names.size()) - 0.5, cap)});
      s->setName("cap");
    }
  }
  chart->legend()->setVisible(true);
  for (QLegendMarker* marker : chart->legend()->markers()) {
    if (marker->label() == "cap")
      marker->setLabel(QString("cap %1%").arg(100 * curves.max_utilization));
  }
}

void update_throughput_chart(QChart* chart, const Curves& curves,
                             const std::vector<MeasuredSet>& measured) {
  QValueAxis* x = value_axis(chart, Qt::AlignBottom, load_title(curves));
  QValueAxis* y = value_axis(chart, Qt::AlignLeft, "throughput (requests/s)");
  const QColor col = colour(0);
  auto* line = series<QLineSeries>(chart, "throughput", pen(col, 2));
  line->replace(points(curves.throughput, 1));
  auto* now = series<QScatterSeries>(chart, "throughput now", pen(col, 1), false);
  now->replace({QPointF(curves.throughput_now.x, curves.throughput_now.y)});
  QStringList keep{line->name(), now->name()};
  double top = curves.throughput_now.y;
  for (const auto& p : curves.throughput)
    top = std::max(top, p.y);
  for (const auto& set : measured) {
    auto* m = series<QScatterSeries>(chart, QString::fromStdString(set.label),
                                     pen(QColor(0x11, 0x18, 0x27), 1));
    m->setMarkerSize(8);
    QList<QPointF> values;
    for (const auto& p : set.points) {
      values.append(QPointF(p.load, p.throughput));
      top = std::max(top, p.throughput);
    }
    m->replace(values);
    keep << m->name();
  }
  remove_others(chart, keep);
  x->setRange(0, nice_ceiling(curves.load_max));
  x->applyNiceNumbers();
  y->setRange(0, nice_ceiling(top * 1.05));
  y->applyNiceNumbers();
}

void update_sweep_charts(QChart* latency, QChart* throughput, QChart* utilization,
                         const SweepResult& sweep) {
  const auto fill = [&](QChart* chart, const std::vector<SweepSeries>& outputs,
                        const QString& y_title, double factor) {
    for (QAbstractSeries* s : chart->series()) {
      chart->removeSeries(s);
      delete s;
    }
    QValueAxis* x = value_axis(chart, Qt::AlignBottom, QString::fromStdString(sweep.x_label));
    QValueAxis* y = value_axis(chart, Qt::AlignLeft, y_title);
    double top = 0;
    QStringList groups;  // one colour per class or service, whatever the statistic
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      const QString name = QString::fromStdString(outputs[k].name);
      // Per class: mean solid, p95 dashed, simulated as markers, in the class's colour.
      const bool simulated = name.startsWith("simulated ");
      const bool dashed = name.endsWith(" p95");
      QString group = simulated ? name.mid(10) : name;
      if (group.endsWith(" mean") || dashed)
        group = group.left(group.lastIndexOf(' '));
      if (!groups.contains(group))
        groups << group;
      const QColor col = colour(static_cast<std::size_t>(groups.indexOf(group)));
      QList<QPointF> values;
      for (std::size_t i = 0; i < sweep.x.size() && i < outputs[k].y.size(); ++i) {
        if (outputs[k].y[i]) {
          values.append(QPointF(sweep.x[i], *outputs[k].y[i] * factor));
          top = std::max(top, *outputs[k].y[i] * factor);
        }
      }
      if (simulated) {
        auto* s = series<QScatterSeries>(chart, name, pen(col, 1));
        s->setMarkerShape(dashed ? QScatterSeries::MarkerShapeRectangle
                                 : QScatterSeries::MarkerShapeCircle);
        s->setMarkerSize(8);
        s->replace(values);
      } else {
        series<QLineSeries>(chart, name, pen(col, 2, dashed ? Qt::DashLine : Qt::SolidLine))
            ->replace(values);
      }
    }
    if (!sweep.x.empty()) {
      x->setRange(std::min(sweep.x.front(), sweep.x.back()),
                  std::max(sweep.x.front(), sweep.x.back()));
      x->applyNiceNumbers();
    }
    y->setRange(0, nice_ceiling(top * 1.05));
    y->applyNiceNumbers();
  };
  fill(latency, sweep.latency, "response time (ms)", 1e3);
  fill(throughput, sweep.throughput, "requests/s", 1);
  fill(utilization, sweep.utilization, "utilization (%)", 100);
}

}  // namespace kendall::gui
