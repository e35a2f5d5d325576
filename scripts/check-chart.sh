#!/usr/bin/env bash
# Chart checks: lint (strict) with every values file, render properties and
# strict schema validation (tests/test_chart.py), k8s/ drift, the chart
# README's parameter tables, static review (checkov) of the rendered chart and
# both Dockerfiles, line endings, the deploy script and Minikube guide
# (shellcheck, runs against recording stand-ins of minikube, kubectl, helm),
# and the AIOps recipes' files (tests/test_aiops_examples.py: kagent's
# fields, which kubernetes-validate does not know, and the MCP URLs and
# headers of the client examples).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}
chart=helm/todo-chatbot

for values in "" $chart/values-minikube.yaml $chart/values-neon.yaml $chart/ci/every-option-values.yaml; do
  echo "helm lint --strict ${values:-(defaults)}"
  helm lint --strict $chart ${values:+-f "$values"}
done
scripts/render-manifests.sh --check
kubernetes-validate -k 1.37.0 --strict --quiet k8s/todo-chatbot.yaml k8s/aiops/*.yaml
scripts/chart-readme.sh --check
shellcheck scripts/*.sh bench/*.sh .ci/run

# Static review: every finding either fixed or skipped in the resource with
# its reason (checkov.io/skipN annotations). --skip-download: offline, and
# the result does not depend on a vendor's online policy set.
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
helm template demo $chart -n todo >"$rendered/defaults.yaml"
helm template demo $chart -n todo -f $chart/values-minikube.yaml >"$rendered/minikube.yaml"
helm template demo $chart -n todo -f $chart/values-neon.yaml >"$rendered/neon.yaml"
helm template demo $chart -n todo -f $chart/ci/every-option-values.yaml >"$rendered/every-option.yaml"
echo "checkov: the rendered chart ($(cd "$rendered" && echo *)) and both Dockerfiles"
"$venv/bin/checkov" --quiet --compact --skip-download --framework kubernetes dockerfile \
  -d "$rendered" -f Dockerfile.backend -f Dockerfile.frontend

"$venv/bin/pytest" -q tests/test_chart.py tests/test_deploy_script.py tests/test_minikube_doc.py tests/test_line_endings.py \
  tests/test_aiops_examples.py
