#include "plan_milp.hpp"

#include <cmath>
#include <limits>
#include <memory>

#include <glpk.h>

namespace kendall::model::detail {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* problem) const { glp_delete_prob(problem); }
};

/// GLPK bound type for [lower, upper] with infinite ends.
int bound_type(double lower, double upper) {
  const bool has_lower = std::isfinite(lower);
  const bool has_upper = std::isfinite(upper);
  if (has_lower && has_upper)
    return lower == upper ? GLP_FX : GLP_DB;
  if (has_lower)
    return GLP_LO;
  if (has_upper)
    return GLP_UP;
  return GLP_FR;
}

double finite_or_zero(double value) {
  return std::isfinite(value) ? value : 0.0;
}

/// Branch-and-cut callback: remembers the relative gap GLPK reports as it improves.
void track_gap(glp_tree* tree, void* info) {
  const int reason = glp_ios_reason(tree);
  if (reason == GLP_IBINGO || reason == GLP_ISELECT) {
    *static_cast<double*>(info) = glp_ios_mip_gap(tree);
  }
}

}  // namespace

int Milp::add_column(Kind kind, double lower, double upper, double cost) {
  columns_.push_back(Column{kind, lower, upper, cost});
  return static_cast<int>(columns_.size()) - 1;
}

void Milp::add_row(const std::vector<std::pair<int, double>>& terms, double lower, double upper) {
  rows_.push_back(Row{terms, lower, upper});
}

Milp::Solution Milp::minimise(double time_limit_seconds) const {
  Solution solution;
  if (columns_.empty()) {
    solution.feasible = solution.optimal = true;
    solution.status = "optimal";
    return solution;
  }
  glp_term_out(GLP_OFF);
  std::unique_ptr<glp_prob, ProblemDeleter> problem(glp_create_prob());
  glp_prob* lp = problem.get();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_cols(lp, columns());
  for (int j = 0; j < columns(); ++j) {
    const Column& c = columns_[static_cast<std::size_t>(j)];
    const int col = j + 1;  // GLPK counts from 1
    glp_set_col_kind(lp, col,
                     c.kind == Kind::continuous ? GLP_CV
                     : c.kind == Kind::integer  ? GLP_IV
                                                : GLP_BV);
    if (c.kind != Kind::binary) {
      glp_set_col_bnds(lp, col, bound_type(c.lower, c.upper), finite_or_zero(c.lower),
                       finite_or_zero(c.upper));
    }
    glp_set_obj_coef(lp, col, c.cost);
  }
  std::vector<int> row_index{0};
  std::vector<int> column_index{0};
  std::vector<double> coefficient{0.0};
  if (!rows_.empty()) {
    glp_add_rows(lp, static_cast<int>(rows_.size()));
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      const int row = static_cast<int>(i) + 1;
      glp_set_row_bnds(lp, row, bound_type(r.lower, r.upper), finite_or_zero(r.lower),
                       finite_or_zero(r.upper));
      for (const auto& [column, value] : r.terms) {
        row_index.push_back(row);
        column_index.push_back(column + 1);
        coefficient.push_back(value);
      }
    }
    glp_load_matrix(lp, static_cast<int>(coefficient.size()) - 1, row_index.data(),
                    column_index.data(), coefficient.data());
  }

  double gap = 0;
  glp_iocp parameters;
  glp_init_iocp(&parameters);
  parameters.presolve = GLP_ON;  // also solves the LP relaxation itself
  parameters.msg_lev = GLP_MSG_OFF;
  parameters.tm_lim = static_cast<int>(std::min(time_limit_seconds * 1000.0, 2.0e9));
  parameters.cb_func = track_gap;
  parameters.cb_info = &gap;
  const int code = glp_intopt(lp, &parameters);
  const int status = glp_mip_status(lp);
  solution.feasible = status == GLP_OPT || status == GLP_FEAS;
  solution.optimal = status == GLP_OPT;
  if (status == GLP_OPT) {
    solution.status = "optimal";
    gap = 0;
  } else if (status == GLP_FEAS) {
    solution.status = code == GLP_ETMLIM ? "feasible (time limit reached)" : "feasible";
  } else if (status == GLP_NOFEAS || code == GLP_ENOPFS || code == GLP_ENODFS) {
    solution.status = "infeasible";
  } else {
    solution.status = code == GLP_ETMLIM ? "no solution within the time limit" : "solver failed";
  }
  if (solution.feasible) {
    solution.objective = glp_mip_obj_val(lp);
    solution.gap = gap;
    solution.values.resize(columns_.size());
    for (int j = 0; j < columns(); ++j)
      solution.values[static_cast<std::size_t>(j)] = glp_mip_col_val(lp, j + 1);
  }
  return solution;
}

}  // namespace kendall::model::detail
