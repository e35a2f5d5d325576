#!/usr/bin/env bash
# Container checks: hadolint, build both images from this tree, then run them
# hardened against a real PostgreSQL (tests/test_images.py) and as the chart
# describes them (tests/test_contract.py).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}
version=$(awk '/^appVersion:/ {gsub(/"/, "", $2); print $2}' helm/todo-chatbot/Chart.yaml)

# A Docker engine: the real one, or the workplace's stand-in (container-env).
if ! docker info >/dev/null 2>&1; then
  if command -v container-env >/dev/null 2>&1; then
    container-env up
  else
    echo "no Docker engine is running" >&2
    exit 1
  fi
fi

hadolint Dockerfile.backend Dockerfile.frontend
# The Dockerfiles pin the Rust image; the stand-in engine only has the
# machine's own toolchain version, so fall back to it when the pin is absent.
build_args=()
pinned=$(awk -F= '/^ARG RUST_VERSION=/ {print $2}' Dockerfile.backend)
if ! docker image inspect "rust:$pinned-slim-bookworm" >/dev/null 2>&1 && command -v rustc >/dev/null; then
  local_rust=$(rustc --version | awk '{print $2}')
  if docker image inspect "rust:$local_rust-slim-bookworm" >/dev/null 2>&1; then
    echo "rust:$pinned-slim-bookworm is not available; building with rust:$local_rust-slim-bookworm"
    build_args=(--build-arg "RUST_VERSION=$local_rust")
  fi
fi
for service in backend frontend; do
  echo "docker build todo-$service:$version"
  docker build --network host -q "${build_args[@]}" -f "Dockerfile.$service" -t "todo-$service:$version" . >/dev/null
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^todo-'

rm -f target/container-figures.json
"$venv/bin/pytest" -q tests/test_images.py tests/test_contract.py
echo "measured figures (docs/BENCHMARKS.md):"
cat target/container-figures.json
