// JSON and CSV exports of a replica plan (docs/export.md). kendall_model does not link a JSON
// library, so the JSON is written here by a small writer that escapes strings and turns
// non-finite numbers into null.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "export_detail.hpp"
#include "kendall/model/export.hpp"

namespace kendall::model {
namespace {

// Pretty JSON text (two-space indent): containers track their item count for the commas.
class JsonText {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(const std::string& name) {
    prefix();
    text_ += quote(name);
    text_ += ": ";
    after_key_ = true;
  }
  void value(const std::string& text) { raw(quote(text)); }
  void value(const char* text) { value(std::string(text)); }
  void value(bool flag) { raw(flag ? "true" : "false"); }
  void value(int number) { raw(std::to_string(number)); }
  // Shortest round-trip form; JSON has no NaN or infinity.
  void value(double number) { raw(std::isfinite(number) ? fmt::format("{}", number) : "null"); }
  void value(const std::optional<double>& number) {
    if (number)
      value(*number);
    else
      null();
  }
  void null() { raw("null"); }
  const std::string& text() const { return text_; }

 private:
  static std::string quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
          else
            out += c;  // UTF-8 bytes pass through unchanged, as JSON allows
      }
    }
    out += '"';
    return out;
  }
  void prefix() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (counts_.empty())
      return;
    if (counts_.back()++ > 0)
      text_ += ",";
    new_line();
  }
  // Appends in place: GCC 12's -Wrestrict misfires on `"\n" + std::string(...)` at -O3.
  void new_line() {
    text_ += '\n';
    text_.append(2 * counts_.size(), ' ');
  }
  void raw(const std::string& token) {
    prefix();
    text_ += token;
  }
  void open(char bracket) {
    prefix();
    text_ += bracket;
    counts_.push_back(0);
  }
  void close(char bracket) {
    const int items = counts_.back();
    counts_.pop_back();
    if (items > 0)
      new_line();
    text_ += bracket;
  }

  std::string text_;
  std::vector<int> counts_;
  bool after_key_ = false;
};

// The fields of one plan, into an open object: shared by the top level and schedule rows.
void write_plan(JsonText& json, const ScheduleRow& row) {
  const PlanResult& plan = row.plan;
  json.key("level");
  json.value(detail::level_text(row));
  json.key("rate_scale");
  json.value(plan.rate_scale);
  json.key("total_rate");
  json.value(plan.total_rate);
  json.key("feasible");
  json.value(plan.feasible);
  json.key("reason");
  if (plan.feasible)
    json.null();
  else
    json.value(plan.reason);
  json.key("cost");
  json.value(plan.cost);
  json.key("services");
  json.begin_array();
  for (const ServicePlan& s : plan.services) {
    json.begin_object();
    json.key("name");
    json.value(s.name);
    json.key("replicas");
    json.value(s.replicas);
    json.key("current_replicas");
    json.value(s.current_replicas);
    json.key("utilization");
    json.value(s.utilization);
    json.key("utilization_at_slo_limit");
    json.value(s.utilization_at_slo_limit);
    json.key("cost");
    json.value(s.cost);
    json.end_object();
  }
  json.end_array();
}

// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string out = "\"";
  for (const char c : text)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  out += '"';
  return out;
}

}  // namespace

std::string export_json(const ExportInput& input) {
  detail::check_export_input(input);
  const System& system = *input.system;
  JsonText json;
  json.begin_object();
  json.key("system");
  json.value(system.name);
  json.key("source");
  json.value(system.source);
  // The top level is the first row, so a one-level plan reads without a schedule.
  write_plan(json, input.schedule.front());
  if (input.schedule.size() > 1) {
    json.key("schedule");
    json.begin_array();
    for (const ScheduleRow& row : input.schedule) {
      json.begin_object();
      write_plan(json, row);
      json.end_object();
    }
    json.end_array();
  }
  json.end_object();
  return json.text() + "\n";
}

std::string export_csv(const ExportInput& input) {
  detail::check_export_input(input);
  // CSV has no column for "no answer": an infeasible row would read as a plan.
  detail::require_feasible(input);
  std::string text = "level,service,replicas,current_replicas,utilization,cost\n";
  for (const ScheduleRow& row : input.schedule) {
    for (const ServicePlan& s : row.plan.services) {
      text += fmt::format("{},{},{},{},{:.6g},{:.6g}\n", csv_field(detail::level_text(row)),
                          csv_field(s.name), s.replicas, s.current_replicas, s.utilization, s.cost);
    }
  }
  return text;
}

}  // namespace kendall::model
