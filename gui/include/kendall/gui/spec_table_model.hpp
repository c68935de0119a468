#pragma once
/// The services or classes of the open spec as an editable table. An edit is applied through
/// the model's loader (spec_text.hpp); a bad value stays in its cell, highlighted, with the
/// loader's message as tooltip and in editError().

#include <QAbstractTableModel>
#include <map>
#include <utility>

#include "kendall/gui/spec_document.hpp"
#include "kendall/gui/spec_text.hpp"

namespace kendall::gui {

class SpecTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  SpecTableModel(SpecDocument* document, SpecTable table, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;

  /// Column of a field key ("replicas"), or -1.
  int column(const std::string& key) const;

 signals:
  /// The message of the latest bad edit, or empty once every cell is valid again.
  void editError(const QString& message);

 private:
  void reset();
  const std::vector<std::string>& keys() const;

  struct BadCell {
    QString text;
    QString message;
  };
  SpecDocument* document_;
  SpecTable table_;
  std::map<std::pair<int, int>, BadCell> bad_;
};

}  // namespace kendall::gui
