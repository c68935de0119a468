#pragma once
/// The open spec: the system being edited, its file, whether it has unsaved changes, and the
/// what-if load (a scale on the spec's rates or users that is not saved).

#include <QObject>
#include <QString>

#include "kendall/model/spec.hpp"

namespace kendall::gui {

class SpecDocument : public QObject {
  Q_OBJECT

 public:
  explicit SpecDocument(QObject* parent = nullptr);

  const model::System& system() const { return system_; }
  const QString& path() const { return path_; }
  bool modified() const { return modified_; }
  double loadScale() const { return load_scale_; }

  /// Loads a spec; throws InputError (the CLI's message) and leaves the document as it was.
  void open(const QString& path);
  /// Writes the spec as YAML (spec_text.hpp); throws std::runtime_error when the file cannot
  /// be written.
  void saveAs(const QString& path);

  /// An edited system (table, what-if control): replaces the current one.
  void setSystem(model::System system);
  void setLoadScale(double scale);

 signals:
  void opened();         ///< a new file: tables and controls rebuild
  void systemChanged();  ///< values changed: charts recompute
  void loadScaleChanged();

 private:
  model::System system_;
  QString path_;
  bool modified_ = false;
  double load_scale_ = 1.0;
};

}  // namespace kendall::gui
