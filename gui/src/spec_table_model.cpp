#include "kendall/gui/spec_table_model.hpp"

#include <QBrush>
#include <QColor>

namespace kendall::gui {
namespace {

QString header_of(const std::string& key) {
  static const std::map<std::string, QString> headers{{"name", "name"},
                                                      {"replicas", "replicas"},
                                                      {"workers", "workers"},
                                                      {"service_time.mean", "service time"},
                                                      {"service_time.scv", "SCV"},
                                                      {"service_time.distribution", "distribution"},
                                                      {"queue_limit", "queue limit"},
                                                      {"cost", "cost/h"},
                                                      {"min_replicas", "min"},
                                                      {"max_replicas", "max"},
                                                      {"rate", "rate (req/s)"},
                                                      {"population", "users"},
                                                      {"think_time", "think time"},
                                                      {"visits", "visits (service: count)"}};
  const auto it = headers.find(key);
  return it == headers.end() ? QString::fromStdString(key) : it->second;
}

}  // namespace

SpecTableModel::SpecTableModel(SpecDocument* document, SpecTable table, QObject* parent)
    : QAbstractTableModel(parent), document_(document), table_(table) {
  connect(document_, &SpecDocument::opened, this, &SpecTableModel::reset);
  connect(document_, &SpecDocument::systemChanged, this, [this] {
    if (rowCount() > 0 && columnCount() > 0)
      emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
  });
}

const std::vector<std::string>& SpecTableModel::keys() const {
  return field_keys(table_, document_->system().workload);
}

void SpecTableModel::reset() {
  beginResetModel();
  bad_.clear();
  endResetModel();
  emit editError({});
}

int SpecTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid())
    return 0;
  const auto& s = document_->system();
  return static_cast<int>(table_ == SpecTable::services ? s.services.size() : s.classes.size());
}

int SpecTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(keys().size());
}

int SpecTableModel::column(const std::string& key) const {
  const auto& k = keys();
  const auto it = std::find(k.begin(), k.end(), key);
  return it == k.end() ? -1 : static_cast<int>(it - k.begin());
}

QVariant SpecTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid())
    return {};
  const auto bad = bad_.find({index.row(), index.column()});
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
      if (bad != bad_.end())
        return bad->second.text;
      return QString::fromStdString(field_text(document_->system(), table_,
                                               static_cast<std::size_t>(index.row()),
                                               keys()[static_cast<std::size_t>(index.column())]));
    case Qt::BackgroundRole:
      if (bad != bad_.end())
        return QBrush(QColor(0xfd, 0xd8, 0xd8));
      return {};
    case Qt::ForegroundRole:
      if (bad != bad_.end())
        return QBrush(QColor(0xa4, 0x0e, 0x0e));
      return {};
    case Qt::ToolTipRole:
      if (bad != bad_.end())
        return bad->second.message;
      return {};
    default:
      return {};
  }
}

QVariant SpecTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole)
    return {};
  if (orientation == Qt::Vertical)
    return section + 1;
  if (section < 0 || section >= columnCount())
    return {};
  return header_of(keys()[static_cast<std::size_t>(section)]);
}

Qt::ItemFlags SpecTableModel::flags(const QModelIndex& index) const {
  return QAbstractTableModel::flags(index) | Qt::ItemIsEditable;
}

bool SpecTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole)
    return false;
  const CellText edit{table_, static_cast<std::size_t>(index.row()),
                      keys()[static_cast<std::size_t>(index.column())],
                      value.toString().trimmed().toStdString()};
  EditOutcome outcome = apply_edit(document_->system(), edit);
  const std::pair cell{index.row(), index.column()};
  if (!outcome.system) {
    bad_[cell] = {value.toString(), QString::fromStdString(outcome.error)};
    emit dataChanged(index, index);
    emit editError(bad_[cell].message);
    return true;
  }
  bad_.erase(cell);
  document_->setSystem(std::move(*outcome.system));
  emit editError(bad_.empty() ? QString() : bad_.begin()->second.message);
  return true;
}

}  // namespace kendall::gui
