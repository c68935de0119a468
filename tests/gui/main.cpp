// GoogleTest's main with a QApplication on the offscreen platform, for widget tests.
#include <gtest/gtest.h>
#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  QStandardPaths::setTestModeEnabled(true);  // recent files go to a test settings folder
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Kendall");
  QApplication::setApplicationName("kendall-gui-tests");
  return RUN_ALL_TESTS();
}
