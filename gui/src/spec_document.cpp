#include "kendall/gui/spec_document.hpp"

#include <fstream>
#include <stdexcept>

#include "kendall/gui/spec_text.hpp"

namespace kendall::gui {

SpecDocument::SpecDocument(QObject* parent) : QObject(parent) {}

void SpecDocument::open(const QString& path) {
  system_ = model::load_system(path.toStdString());
  path_ = path;
  modified_ = false;
  load_scale_ = 1.0;
  emit opened();
  emit systemChanged();
}

void SpecDocument::saveAs(const QString& path) {
  std::ofstream file(path.toStdString(), std::ios::binary | std::ios::trunc);
  file << model::write_spec(system_);
  file.close();
  if (!file)
    throw std::runtime_error("cannot write " + path.toStdString());
  path_ = path;
  system_.source = path.toStdString();
  modified_ = false;
  emit systemChanged();
}

void SpecDocument::setSystem(model::System system) {
  system_ = std::move(system);
  modified_ = true;
  emit systemChanged();
}

void SpecDocument::setLoadScale(double scale) {
  if (scale == load_scale_)
    return;
  load_scale_ = scale;
  emit loadScaleChanged();
}

}  // namespace kendall::gui
