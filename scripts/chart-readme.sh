#!/usr/bin/env bash
# The chart README's parameter tables, generated from the `## @param` comments
# in values.yaml by Bitnami's readme-generator-for-helm (pinned, installed
# into a cache on first use).
#   scripts/chart-readme.sh          # rewrite helm/todo-chatbot/README.md
#   scripts/chart-readme.sh --check  # fail if the README differs from values.yaml
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.7.2
prefix=${TODO_NPM_CACHE:-$HOME/.cache/todo-chatbot/npm}/readme-generator-$version
generator=$prefix/node_modules/.bin/readme-generator
if [ ! -x "$generator" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed for the chart README (apt-get install npm)" >&2; exit 1; }
  echo "installing @bitnami/readme-generator-for-helm@$version into $prefix"
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "@bitnami/readme-generator-for-helm@$version" >/dev/null
fi

chart=helm/todo-chatbot
# Prints the generator's findings only when it fails.
generate() {
  local log
  if ! log=$("$generator" --values "$chart/values.yaml" --readme "$1" 2>&1); then
    grep -v '^Skipping check' <<<"$log" >&2
    return 1
  fi
}
if [ "${1:-}" = "--check" ]; then
  generated=$(mktemp)
  trap 'rm -f "$generated"' EXIT
  cp "$chart/README.md" "$generated"
  # The generator also fails on a value without a `## @param` line.
  generate "$generated"
  if ! diff -u "$chart/README.md" "$generated"; then
    echo "$chart/README.md is out of date with values.yaml: run scripts/chart-readme.sh" >&2
    exit 1
  fi
  echo "$chart/README.md matches values.yaml"
else
  generate "$chart/README.md"
  echo "wrote $chart/README.md"
fi
