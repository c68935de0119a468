#!/usr/bin/env bash
# Keeps dependencies pointing down (docs/ARCHITECTURE.md): each folder may include only the
# kendall headers and third-party libraries its row allows. Prints every violation.
set -u
root=${1:?usage: check_dependencies.sh SOURCE_DIR}
cd "$root" || exit 2
status=0

# forbid FOLDER PATTERN WHY: no file under FOLDER (sim/ excluded for model) may include PATTERN.
forbid() {
  local folder=$1 pattern=$2 why=$3 hits
  [ -d "$folder" ] || return 0
  hits=$(grep -rnE "#include [<\"]($pattern)" "$folder" --include='*.cpp' --include='*.hpp' \
           ${EXCLUDE:+--exclude-dir="$EXCLUDE"} 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "$folder must not include $pattern ($why):"
    echo "$hits"
    status=1
  fi
}

forbid base 'kendall/(model|sim|cli|loadgen|services|gui)/|boost/asio|boost/beast|Q[A-Z]' \
  "base is the bottom layer"
EXCLUDE=sim forbid model 'kendall/(sim|cli|loadgen|services|gui)/|boost/asio|boost/beast|spdlog|thread>|Q[A-Z]' \
  "the model is pure computation: no sockets, threads, logging or Qt"
forbid model/sim 'kendall/(cli|loadgen|services|gui)/|boost/asio|boost/beast|spdlog|Q[A-Z]' \
  "the simulator is computation over the model"
forbid loadgen 'kendall/(model|sim|cli|services|gui)/|Q[A-Z]' "the load generator knows only HTTP and base"
forbid services 'kendall/(model|sim|cli|loadgen|gui)/|Q[A-Z]' "the services are the system under test, not part of the tool"
forbid validate 'kendall/(services|gui|cli)/|Q[A-Z]' \
  "validation runs the services as processes and sits under the CLI"
forbid cli 'kendall/(services|gui)/|Q[A-Z]' "the CLI sits over model, sim and loadgen"
forbid gui 'kendall/(services|loadgen|cli|validate)/' \
  "the GUI sits over model, sim and base; it reads measured results as JSON files"

[ $status -eq 0 ] && echo "dependencies point down: ok"
exit $status
