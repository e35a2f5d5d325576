#!/usr/bin/env bash
# Chart checks: lint (strict) with every values file, render properties and
# strict schema validation (tests/test_chart.py), k8s/ drift, and the
# deploy script (shellcheck and its --dry-run).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}

for values in "" helm/todo-chatbot/values-minikube.yaml helm/todo-chatbot/values-neon.yaml; do
  echo "helm lint --strict ${values:-(defaults)}"
  helm lint --strict helm/todo-chatbot ${values:+-f "$values"}
done
scripts/render-manifests.sh --check
kubernetes-validate -k 1.37.0 --strict --quiet k8s/todo-chatbot.yaml k8s/aiops/*.yaml
shellcheck scripts/*.sh bench/*.sh .ci/run
"$venv/bin/pytest" -q tests/test_chart.py tests/test_deploy_script.py
