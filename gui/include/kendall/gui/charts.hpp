#pragma once
/// Chart builders: fill a QChart from the computed curves, sweep or measured points, reusing
/// its series (found by name) so a live update only replaces points. Latencies are drawn in
/// milliseconds, utilization in percent.

#include <QString>
#include <vector>

#include "kendall/gui/curves.hpp"
#include "kendall/gui/measured.hpp"
#include "kendall/gui/sweep.hpp"

class QChart;

namespace kendall::gui {

/// Series names, for the tests and the legend: "<class> mean", "<class> p95",
/// "<class> SLO", "<class> p95 now", "<class> mean now", "<set> mean", "<set> p95".
void update_latency_chart(QChart* chart, const Curves& curves,
                          const std::vector<MeasuredSet>& measured);
/// Stacked bars per service, one set per headroom ("ample", "tight": over 75% of the cap, "over
/// cap"), and the cap as a line.
void update_utilization_chart(QChart* chart, const Curves& curves);
/// "throughput" and "throughput now", plus measured throughput.
void update_throughput_chart(QChart* chart, const Curves& curves,
                             const std::vector<MeasuredSet>& measured);
/// One chart per output group: latency (ms), throughput (requests/s), utilization (%).
void update_sweep_charts(QChart* latency, QChart* throughput, QChart* utilization,
                         const SweepResult& sweep);

/// A chart styled for Kendall (title, fonts, legend at the bottom, no drop shadow).
QChart* make_chart(const QString& title);

}  // namespace kendall::gui
