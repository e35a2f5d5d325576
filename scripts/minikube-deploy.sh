#!/usr/bin/env bash
# One command from a clone to a running Todo Chatbot on Minikube.
#
#   scripts/minikube-deploy.sh              # Helm (default)
#   scripts/minikube-deploy.sh --manifests  # plain manifests from k8s/
#   scripts/minikube-deploy.sh --dry-run    # print the commands, run nothing
#
# Settings come from the environment or .env: DATABASE_URL (e.g. Neon; empty:
# in-cluster PostgreSQL), AUTH_SECRET (generated once when empty), LLM_PROVIDER,
# LLM_MODEL, LLM_BASE_URL, LLM_API_KEY (empty: built-in assistant).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=helm
dry_run=false
namespace=${NAMESPACE:-todo}
release=todo-chatbot
secret=todo-chatbot-secrets
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    --manifests) mode=manifests ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
# Runs a command, or prints it in dry-run mode. Arguments marked as secret
# are never printed.
run() {
  if $dry_run; then
    printf '+ %s\n' "$*"
  else
    "$@"
  fi
}

if [ -f .env ]; then
  step "reading .env"
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi
version=$(awk '/^appVersion:/ {gsub(/"/, "", $2); print $2}' helm/todo-chatbot/Chart.yaml)

step "checking tools"
missing=()
for tool in minikube kubectl docker; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ "$mode" = helm ] && { command -v helm >/dev/null 2>&1 || missing+=(helm); }
if [ ${#missing[@]} -gt 0 ]; then
  if $dry_run; then
    echo "(dry run) missing: ${missing[*]}"
  else
    echo "missing tools: ${missing[*]} (see docs/MINIKUBE.md)" >&2
    exit 1
  fi
fi

step "starting Minikube if needed"
if $dry_run || ! minikube status >/dev/null 2>&1; then
  run minikube start --cpus=2 --memory=4096
fi

step "building the images inside Minikube's Docker"
if $dry_run; then
  # shellcheck disable=SC2016 # printed literally, as the user would type it
  echo '+ eval $(minikube docker-env)'
else
  eval "$(minikube docker-env)"
fi
run docker build -f Dockerfile.backend -t "todo-backend:$version" .
run docker build -f Dockerfile.frontend -t "todo-frontend:$version" .

step "namespace and Secret (kept if it exists, so sessions and the database password survive)"
if $dry_run; then
  echo "+ kubectl create namespace $namespace"
else
  kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"
fi
if ! $dry_run && kubectl -n "$namespace" get secret "$secret" >/dev/null 2>&1; then
  echo "Secret $secret exists; delete it to change it"
else
  random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  auth_secret=${AUTH_SECRET:-$(random)}
  pg_password=$(random)
  database_url=${DATABASE_URL:-postgres://todo:$pg_password@$release-postgresql:5432/todo}
  literals=(--from-literal=AUTH_SECRET="$auth_secret" --from-literal=DATABASE_URL="$database_url"
            --from-literal=POSTGRES_PASSWORD="$pg_password")
  [ -n "${LLM_API_KEY:-}" ] && literals+=(--from-literal=LLM_API_KEY="$LLM_API_KEY")
  if $dry_run; then
    echo "+ kubectl -n $namespace create secret generic $secret --from-literal=AUTH_SECRET=<hidden> --from-literal=DATABASE_URL=<hidden> --from-literal=POSTGRES_PASSWORD=<hidden>${LLM_API_KEY:+ --from-literal=LLM_API_KEY=<hidden>}"
  else
    kubectl -n "$namespace" create secret generic "$secret" "${literals[@]}"
  fi
fi

if [ "$mode" = helm ]; then
  step "installing the chart"
  settings=(--set existingSecret="$secret")
  [ -n "${DATABASE_URL:-}" ] && settings+=(--set postgresql.enabled=false)
  [ -n "${LLM_PROVIDER:-}" ] && settings+=(--set llm.provider="$LLM_PROVIDER")
  [ -n "${LLM_MODEL:-}" ] && settings+=(--set llm.model="$LLM_MODEL")
  [ -n "${LLM_BASE_URL:-}" ] && settings+=(--set llm.baseUrl="$LLM_BASE_URL")
  run helm upgrade --install "$release" helm/todo-chatbot --namespace "$namespace" \
    -f helm/todo-chatbot/values-minikube.yaml "${settings[@]}" --wait --timeout 5m
else
  step "applying the plain manifests"
  run kubectl apply -f k8s/todo-chatbot.yaml
fi

step "waiting for the rollout"
run kubectl -n "$namespace" rollout status "deployment/$release-backend" --timeout=180s
run kubectl -n "$namespace" rollout status "deployment/$release-frontend" --timeout=180s

if [ "$mode" = helm ]; then
  step "helm test"
  run helm test "$release" --namespace "$namespace"
fi

step "open the app"
echo "Run 'minikube tunnel' in another terminal for the LoadBalancer address, or use:"
run minikube service --namespace "$namespace" "$release-frontend" --url
