#include "kendall/validate/spec_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/model/spec_writer.hpp"

namespace kendall::validation {

namespace {

std::size_t offset_of(const std::string& text, int line, int column) {
  std::size_t offset = 0;
  for (int l = 0; l < line && offset < text.size(); ++l)
    offset = text.find('\n', offset) + 1;
  return std::min(text.size(), offset + static_cast<std::size_t>(column));
}

std::size_t end_of_line(const std::string& text, std::size_t from) {
  return std::min(text.find('\n', from), text.size());
}

// Where the scalar or flow value starting at `start` ends.
std::size_t end_of_inline_value(const std::string& text, std::size_t start) {
  if (start >= text.size())
    return start;
  const char first = text[start];
  if (first == '"' || first == '\'') {
    std::size_t at = start + 1;
    while (at < text.size() && text[at] != first)
      at += (text[at] == '\\' && first == '"') ? 2 : 1;
    return std::min(at + 1, text.size());
  }
  if (first == '{' || first == '[') {
    int depth = 0;
    for (std::size_t at = start; at < text.size(); ++at) {
      if (text[at] == '{' || text[at] == '[')
        ++depth;
      if ((text[at] == '}' || text[at] == ']') && --depth == 0)
        return at + 1;
    }
    return text.size();
  }
  std::size_t end = end_of_line(text, start);
  const std::size_t comment = text.find(" #", start);
  if (comment < end)
    end = comment;
  while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
    --end;
  // A value ending a flow mapping ({name: a, service_time: 20ms}) stops at , or }.
  const std::size_t flow_end = text.find_first_of(",}", start);
  return std::min(end, flow_end);
}

// Block value: every following line indented deeper than the key (or blank) belongs to it.
std::size_t end_of_block_value(const std::string& text, std::size_t key_line_end, int key_column) {
  std::size_t end = key_line_end;
  std::size_t at = key_line_end + 1;
  while (at < text.size()) {
    const std::size_t line_end = end_of_line(text, at);
    const std::string_view line(text.data() + at, line_end - at);
    const std::size_t indent = line.find_first_not_of(" \t");
    if (indent != std::string_view::npos && line[indent] != '#') {
      if (static_cast<int>(indent) <= key_column)
        break;
      end = line_end;
    }
    at = line_end + 1;
  }
  return end;
}

}  // namespace

std::string spec_yaml(const model::System& system) {
  model::SpecWriting writing;
  writing.comment = "Written by kendall calibrate: service times measured at low load.";
  return model::write_spec(system, writing);
}

std::string update_service_times(const std::string& text, const std::string& source,
                                 const std::map<std::string, MeasuredServiceTime>& updates) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw InputError(fmt::format("{}:{}:{}: not YAML ({})", source, error.mark.line + 1,
                                 error.mark.column + 1, error.msg));
  }
  if (!root.IsMap() || !root["services"] || !root["services"].IsSequence())
    throw InputError(fmt::format("{}: not a spec (no services list)", source));

  struct Edit {
    std::size_t start, end;
    std::string replacement;
  };
  std::vector<Edit> edits;
  std::map<std::string, MeasuredServiceTime> pending = updates;
  std::vector<std::string> names;
  for (const YAML::Node& service : root["services"]) {
    if (!service.IsMap() || !service["name"])
      continue;
    const std::string name = service["name"].as<std::string>();
    names.push_back(name);
    const auto update = pending.find(name);
    if (update == pending.end())
      continue;
    const std::string value = fmt::format(
        "{{mean: {}, scv: {:.4g}}}", model::duration_text(update->second.mean), update->second.scv);
    pending.erase(update);
    for (auto it = service.begin(); it != service.end(); ++it) {
      if (it->first.as<std::string>() != "service_time")
        continue;
      const YAML::Mark key = it->first.Mark();
      const YAML::Mark mark = it->second.Mark();
      const std::size_t start = offset_of(text, mark.line, mark.column);
      if (mark.line == key.line) {
        edits.push_back({start, end_of_inline_value(text, start), value});
      } else {
        // Block mapping under the key: replace it, keeping the key.
        const std::size_t key_at = offset_of(text, key.line, key.column);
        const std::size_t colon = text.find(':', key_at);
        const std::size_t block_end =
            end_of_block_value(text, end_of_line(text, colon), key.column);
        edits.push_back({colon + 1, block_end, " " + value});
      }
    }
  }
  if (!pending.empty()) {
    std::string known;
    for (const auto& n : names)
      known += (known.empty() ? "" : ", ") + n;
    throw InputError(
        fmt::format("{}: no service named \"{}\" (services: {}); name the target "
                    "with the spec's name or add the service to the spec",
                    source, pending.begin()->first, known));
  }
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.start > b.start; });
  std::string result = text;
  for (const Edit& edit : edits)
    result.replace(edit.start, edit.end - edit.start, edit.replacement);
  return result;
}

}  // namespace kendall::validation
