#!/usr/bin/env bash
# One command from a clone to a running Todo Chatbot on Minikube.
#
#   scripts/minikube-deploy.sh              # Helm (default)
#   scripts/minikube-deploy.sh --manifests  # plain manifests from k8s/
#   scripts/minikube-deploy.sh --dry-run    # print the commands, change nothing
#
# Cluster settings come from .env.minikube (copy .env.minikube.example), another
# file given with --env-file, or flags; never from .env, which holds the local
# run's settings (a SQLite URL or a localhost model would not work in the
# cluster). Flags win over the file:
#   --database-url URL    external PostgreSQL such as Neon (empty: in-cluster PostgreSQL)
#   --auth-secret S       session-signing key, 32+ bytes (empty: generated once, then kept)
#   --llm-provider P, --llm-model M, --llm-base-url U, --llm-api-key K
#                         the assistant's LLM (no provider: the built-in assistant)
#   --namespace NS        default todo
# A re-run updates the Secret when a setting changed; it prints which keys
# change (never their values) before it changes them.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=helm
dry_run=false
namespace=todo
release=todo-chatbot
secret=todo-chatbot-secrets
env_file=.env.minikube
setting_names=(DATABASE_URL AUTH_SECRET LLM_PROVIDER LLM_MODEL LLM_BASE_URL LLM_API_KEY)
declare -A settings=()

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --manifests) mode=manifests ;;
    --env-file) env_file=${2:?--env-file needs a file}; [ -e "$env_file" ] || { echo "no such file: $env_file" >&2; exit 2; }; shift ;;
    --namespace) namespace=${2:?--namespace needs a name}; shift ;;
    --database-url|--auth-secret|--llm-provider|--llm-model|--llm-base-url|--llm-api-key)
      [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
      name=${1#--}; name=${name//-/_}
      settings[${name^^}]=$2
      shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n==> %s\n' "$*"; }
# Runs a command, or prints it in dry-run mode.
run() {
  if $dry_run; then
    printf '+ %s\n' "$*"
  else
    "$@"
  fi
}

# KEY=VALUE lines, as in .env files; comments and blank lines are skipped,
# quotes around a value are removed, CRs from Windows editors are ignored.
# Only the settings above are accepted, so a typo is not silently ignored.
read_settings() {
  local file=$1 line key value
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line == *=* ]] || { echo "$file: not KEY=VALUE: $line" >&2; exit 2; }
    key=${line%%=*}; key=${key#export }; key=${key//[[:space:]]/}
    value=${line#*=}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
    [[ " ${setting_names[*]} " == *" $key "* ]] || { echo "$file: unknown setting $key (known: ${setting_names[*]})" >&2; exit 2; }
    [ -n "${settings[$key]+set}" ] || settings[$key]=$value
  done <"$file"
}

if [ -e "$env_file" ]; then
  step "reading cluster settings from $env_file"
  read_settings "$env_file"
elif [ "$env_file" = .env.minikube ]; then
  step "no .env.minikube: in-cluster PostgreSQL, generated key, built-in assistant (see .env.minikube.example)"
fi
if [ -f .env ]; then
  echo "(.env holds the local run's settings and is not read; the cluster's come from .env.minikube or flags)"
fi
for key in "${!settings[@]}"; do
  [ -n "${settings[$key]}" ] && echo "  $key set"
done | sort
version=$(awk '/^appVersion:/ {gsub(/"/, "", $2); print $2}' helm/todo-chatbot/Chart.yaml)

step "checking tools"
missing=()
for tool in minikube kubectl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ "$mode" = helm ] && { command -v helm >/dev/null 2>&1 || missing+=(helm); }
if [ ${#missing[@]} -gt 0 ]; then
  if $dry_run; then
    echo "(dry run) missing: ${missing[*]}"
  else
    echo "missing tools: ${missing[*]} (see docs/MINIKUBE.md)" >&2
    exit 1
  fi
fi
# Read-only questions to the cluster are asked in a dry run too, when it can.
can_ask() { ! $dry_run || { command -v kubectl >/dev/null 2>&1 && kubectl version --request-timeout=5s >/dev/null 2>&1; }; }

step "starting Minikube if needed"
if $dry_run || ! minikube status >/dev/null 2>&1; then
  run minikube start --cpus=2 --memory=4096
fi

step "building the images inside Minikube (several minutes the first time)"
run minikube image build -t "todo-backend:$version" -f Dockerfile.backend .
run minikube image build -t "todo-frontend:$version" -f Dockerfile.frontend .

step "namespace $namespace"
if can_ask && kubectl get namespace "$namespace" >/dev/null 2>&1; then
  echo "exists"
else
  run kubectl create namespace "$namespace"
fi

step "Secret $secret"
# What the cluster has now: KEY=base64 lines.
declare -A current=()
secret_exists=false
# shellcheck disable=SC2016 # a Go template, not shell
if can_ask && data=$(kubectl -n "$namespace" get secret "$secret" \
    -o go-template='{{range $k, $v := .data}}{{$k}}={{$v}}{{"\n"}}{{end}}' 2>/dev/null); then
  secret_exists=true
  while IFS='=' read -r key value; do
    [ -n "$key" ] && current[$key]=$(printf '%s' "$value" | base64 -d)
  done <<<"$data"
fi
random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# What it should have: the settings; generated values are kept once made.
declare -A wanted=()
wanted[AUTH_SECRET]=${settings[AUTH_SECRET]:-${current[AUTH_SECRET]:-$(random)}}
wanted[POSTGRES_PASSWORD]=${current[POSTGRES_PASSWORD]:-$(random)}
wanted[DATABASE_URL]=${settings[DATABASE_URL]:-postgres://todo:${wanted[POSTGRES_PASSWORD]}@$release-postgresql:5432/todo}
[ -n "${settings[LLM_API_KEY]:-}" ] && wanted[LLM_API_KEY]=${settings[LLM_API_KEY]}

# The plan, by key name only.
changes=0
for key in DATABASE_URL AUTH_SECRET POSTGRES_PASSWORD LLM_API_KEY; do
  if [ -n "${wanted[$key]+set}" ] && [ -z "${current[$key]+set}" ]; then
    $secret_exists && { echo "  $key: added"; changes=$((changes + 1)); }
  elif [ -z "${wanted[$key]+set}" ] && [ -n "${current[$key]+set}" ]; then
    echo "  $key: removed"; changes=$((changes + 1))
  elif [ -n "${wanted[$key]+set}" ]; then
    if [ "${wanted[$key]}" != "${current[$key]}" ]; then echo "  $key: changed"; changes=$((changes + 1)); else echo "  $key: unchanged"; fi
  fi
done
literals=()
shown=()
keys=()
for key in DATABASE_URL AUTH_SECRET POSTGRES_PASSWORD LLM_API_KEY; do
  [ -n "${wanted[$key]+set}" ] || continue
  literals+=("--from-literal=$key=${wanted[$key]}")
  shown+=("--from-literal=$key=<hidden>")
  keys+=("$key")
done
if ! $secret_exists; then
  echo "  creating it with ${keys[*]}"
  if $dry_run; then
    echo "+ kubectl -n $namespace create secret generic $secret ${shown[*]}"
  else
    kubectl -n "$namespace" create secret generic "$secret" "${literals[@]}"
  fi
elif [ "$changes" -gt 0 ]; then
  echo "  updating $changes key(s)"
  if $dry_run; then
    echo "+ kubectl -n $namespace create secret generic $secret ${shown[*]} --dry-run=client -o yaml | kubectl apply -f -"
  else
    kubectl -n "$namespace" create secret generic "$secret" "${literals[@]}" --dry-run=client -o yaml | kubectl apply -f -
  fi
else
  echo "  up to date"
fi

if [ "$mode" = helm ]; then
  step "installing the chart"
  chart_settings=(--set existingSecret="$secret")
  [ -n "${settings[DATABASE_URL]:-}" ] && chart_settings+=(--set postgresql.enabled=false)
  [ -n "${settings[LLM_PROVIDER]:-}" ] && chart_settings+=(--set-string llm.provider="${settings[LLM_PROVIDER]}")
  [ -n "${settings[LLM_MODEL]:-}" ] && chart_settings+=(--set-string llm.model="${settings[LLM_MODEL]}")
  [ -n "${settings[LLM_BASE_URL]:-}" ] && chart_settings+=(--set-string llm.baseUrl="${settings[LLM_BASE_URL]}")
  run helm upgrade --install "$release" helm/todo-chatbot --namespace "$namespace" \
    -f helm/todo-chatbot/values-minikube.yaml "${chart_settings[@]}" --wait --timeout 5m
else
  step "applying the plain manifests"
  run kubectl apply -f k8s/todo-chatbot.yaml
fi
# Pods read the Secret when they start: restart the backend after a change.
if $secret_exists && [ "$changes" -gt 0 ]; then
  run kubectl -n "$namespace" rollout restart "deployment/$release-backend"
fi

step "waiting for the rollout"
run kubectl -n "$namespace" rollout status "deployment/$release-backend" --timeout=180s
run kubectl -n "$namespace" rollout status "deployment/$release-frontend" --timeout=180s

if [ "$mode" = helm ]; then
  step "helm test"
  run helm test "$release" --namespace "$namespace"
fi

step "open the app"
echo "Either run 'minikube tunnel' in another terminal (Administrator on Windows) and browse"
echo "to the Service's EXTERNAL-IP, or use the URL below; with the Docker driver this"
echo "command keeps a tunnel open and keeps running: stop it with Ctrl+C."
run minikube service --namespace "$namespace" "$release-frontend" --url
