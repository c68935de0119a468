// The spec tables' cells: their text and their edits, applied by writing the spec with the
// edited cell (model/spec_writer.hpp) and reading it back through model::parse_system.
#include "kendall/gui/spec_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kendall/base/error.hpp"

namespace kendall::gui {

using model::System;

namespace {

// The spec with one cell's text in place of its field's value.
std::string spec_with_edit(const System& system, const CellText& edit) {
  model::SpecWriting writing;
  writing.replace = [&edit](const model::SpecField& field) -> std::optional<std::string> {
    if (field.section == edit.table && field.row == edit.row && field.key == edit.key)
      return edit.text;
    return std::nullopt;
  };
  return model::write_spec(system, writing);
}

}  // namespace

const std::vector<std::string>& field_keys(SpecTable table, model::WorkloadType workload) {
  static const std::vector<std::string> services{"name",
                                                 "replicas",
                                                 "workers",
                                                 "service_time.mean",
                                                 "service_time.scv",
                                                 "service_time.distribution",
                                                 "queue_limit",
                                                 "cost",
                                                 "min_replicas",
                                                 "max_replicas"};
  static const std::vector<std::string> open_classes{"name", "rate", "visits"};
  static const std::vector<std::string> closed_classes{"name", "population", "think_time",
                                                       "visits"};
  if (table == SpecTable::services)
    return services;
  return workload == model::WorkloadType::open ? open_classes : closed_classes;
}

std::string field_text(const System& system, SpecTable table, std::size_t row,
                       const std::string& key) {
  return model::spec_field_text(system, {table, row, key});
}

EditOutcome apply_edit(const System& system, const CellText& edit) {
  EditOutcome outcome;
  try {
    System edited = model::parse_system(spec_with_edit(system, edit), system.source);
    edited.source = system.source;
    outcome.system = std::move(edited);
  } catch (const InputError& error) {
    outcome.error = error.detail();
  }
  return outcome;
}

}  // namespace kendall::gui
