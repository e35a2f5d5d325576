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
#   --frontend-secret S   the web UI's CSRF key, the same in every frontend replica,
#                         32+ bytes (empty: generated once, then kept)
#   --llm-provider P, --llm-model M, --llm-base-url U, --llm-api-key K
#                         the assistant's LLM (no provider: the built-in assistant)
#   --namespace NS        default todo
# A re-run updates the Secret when a setting changed (or a key is missing);
# it prints which keys change (never their values) before it changes them,
# then restarts the pods that read them.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=helm
dry_run=false
namespace=todo
release=todo-chatbot
secret=todo-chatbot-secrets
env_file=.env.minikube
setting_names=(DATABASE_URL AUTH_SECRET FRONTEND_SECRET LLM_PROVIDER LLM_MODEL LLM_BASE_URL LLM_API_KEY)
declare -A settings=()

# The comment block at the top of this file.
usage() { awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --manifests) mode=manifests ;;
    --env-file) env_file=${2:?--env-file needs a file}; [ -e "$env_file" ] || { echo "no such file: $env_file" >&2; exit 2; }; shift ;;
    --namespace) namespace=${2:?--namespace needs a name}; shift ;;
    --database-url|--auth-secret|--frontend-secret|--llm-provider|--llm-model|--llm-base-url|--llm-api-key)
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
  step "no .env.minikube: in-cluster PostgreSQL, generated keys, built-in assistant (see .env.minikube.example)"
fi
# The pods refuse a shorter key: say so before anything changes.
for key in AUTH_SECRET FRONTEND_SECRET; do
  value=${settings[$key]:-}
  if [ -n "$value" ] && [ "$(printf '%s' "$value" | LC_ALL=C wc -c)" -lt 32 ]; then
    echo "$key must be at least 32 bytes long (or empty: generated once, then kept)" >&2
    exit 2
  fi
done
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
wanted[FRONTEND_SECRET]=${settings[FRONTEND_SECRET]:-${current[FRONTEND_SECRET]:-$(random)}}
wanted[POSTGRES_PASSWORD]=${current[POSTGRES_PASSWORD]:-$(random)}
wanted[DATABASE_URL]=${settings[DATABASE_URL]:-postgres://todo:${wanted[POSTGRES_PASSWORD]}@$release-postgresql:5432/todo}
[ -n "${settings[LLM_API_KEY]:-}" ] && wanted[LLM_API_KEY]=${settings[LLM_API_KEY]}

# The plan, by key name only.
secret_keys=(DATABASE_URL AUTH_SECRET FRONTEND_SECRET POSTGRES_PASSWORD LLM_API_KEY)
changes=0
changed=()
for key in "${secret_keys[@]}"; do
  change=
  if [ -n "${wanted[$key]+set}" ] && [ -z "${current[$key]+set}" ]; then
    $secret_exists && change=added
  elif [ -z "${wanted[$key]+set}" ] && [ -n "${current[$key]+set}" ]; then
    change=removed
  elif [ -n "${wanted[$key]+set}" ]; then
    if [ "${wanted[$key]}" != "${current[$key]}" ]; then change=changed; else echo "  $key: unchanged"; fi
  fi
  if [ -n "$change" ]; then
    echo "  $key: $change"; changes=$((changes + 1)); changed+=("$key")
  fi
done
literals=()
shown=()
keys=()
for key in "${secret_keys[@]}"; do
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
# Pods read the Secret when they start: after a change, restart the ones
# that read a changed key (the frontend reads FRONTEND_SECRET only).
restarts=()
if $secret_exists && [ "$changes" -gt 0 ]; then
  for key in "${changed[@]}"; do
    if [ "$key" = FRONTEND_SECRET ]; then
      restarts+=("deployment/$release-frontend")
    elif [[ " ${restarts[*]} " != *" deployment/$release-backend "* ]]; then
      restarts+=("deployment/$release-backend")
    fi
  done
  run kubectl -n "$namespace" rollout restart "${restarts[@]}"
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
