#pragma once
// A small mixed-integer program handed to GLPK's branch-and-cut (glp_intopt). Keeps every GLPK
// call in plan_milp.cpp; the planner only builds columns and rows.

#include <string>
#include <utility>
#include <vector>

namespace kendall::model::detail {

class Milp {
 public:
  enum class Kind { continuous, integer, binary };

  /// Adds a column (variable) with bounds and objective cost; returns its index.
  int add_column(Kind kind, double lower, double upper, double cost);
  /// Adds a row: lower <= Σ coefficient·x <= upper (use ±infinity for one-sided rows).
  void add_row(const std::vector<std::pair<int, double>>& terms, double lower, double upper);

  struct Solution {
    bool feasible = false;  ///< an integer solution was found
    bool optimal = false;   ///< and proven optimal
    std::string status;     ///< "optimal", "feasible (time limit)", "infeasible", ...
    double objective = 0;
    double gap = 0;              ///< relative gap between the solution and the best bound
    std::vector<double> values;  ///< per column
  };
  /// Minimises the objective within `time_limit_seconds`. GLPK's terminal output is off.
  Solution minimise(double time_limit_seconds) const;

  int columns() const { return static_cast<int>(columns_.size()); }

 private:
  struct Column {
    Kind kind;
    double lower, upper, cost;
  };
  struct Row {
    std::vector<std::pair<int, double>> terms;
    double lower, upper;
  };
  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

}  // namespace kendall::model::detail
