#pragma once
/// The spec as text: writing a model::System back to YAML (docs/spec.md), the text a table cell
/// shows for one field, and applying a cell edit by re-reading the spec through the model's own
/// loader, so a bad value gets exactly the message the CLI gives. Units as in the spec.

#include <optional>
#include <string>
#include <vector>

#include "kendall/model/spec.hpp"

namespace kendall::gui {

enum class SpecTable { services, classes };

/// Field keys, as the spec names them, in table column order.
const std::vector<std::string>& field_keys(SpecTable table, model::WorkloadType workload);

/// One cell's text standing in for a field: `key` is a field key, `text` spec syntax ("40ms").
struct CellText {
  SpecTable table = SpecTable::services;
  std::size_t row = 0;
  std::string key;
  std::string text;
};

/// The spec as YAML that model::parse_system reads back to an equal System. With `replace`, that
/// field is written as the given text instead. Empirical distributions are written by their mean
/// and SCV (the samples file is not known here).
std::string write_spec(const model::System& system, const std::optional<CellText>& replace = {});

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
