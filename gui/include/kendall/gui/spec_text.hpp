#pragma once
/// The spec as table cells: the text a cell shows for one field, and applying a cell edit by
/// writing the spec with it (model/spec_writer.hpp) and re-reading it through the model's own
/// loader, so a bad value gets exactly the message the CLI gives. Units as in the spec.

#include <optional>
#include <string>
#include <vector>

#include "kendall/model/spec.hpp"
#include "kendall/model/spec_writer.hpp"

namespace kendall::gui {

/// The two tables are the spec's two lists of rows.
using SpecTable = model::SpecSection;

/// Field keys, as the spec names them, in table column order.
const std::vector<std::string>& field_keys(SpecTable table, model::WorkloadType workload);

/// One cell's text standing in for a field: `key` is a field key, `text` spec syntax ("40ms").
struct CellText {
  SpecTable table = SpecTable::services;
  std::size_t row = 0;
  std::string key;
  std::string text;
};

/// What a cell shows for a field: the spec syntax the user would type ("40ms", "0.5").
std::string field_text(const model::System& system, SpecTable table, std::size_t row,
                       const std::string& key);

/// A cell edit applied: the new system, or the loader's message for the field (the CLI's message
/// without the file:line:column prefix).
struct EditOutcome {
  std::optional<model::System> system;
  std::string error;
};
EditOutcome apply_edit(const model::System& system, const CellText& edit);

}  // namespace kendall::gui
