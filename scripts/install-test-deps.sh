#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: Chromium,
# its WebDriver and an Urdu font for the browser test, axe-core and Lighthouse for the web
# UI's checks, schemathesis for API fuzzing, checkov for static review, npm
# for the chart README's generator.
# Idempotent: does nothing when everything is present.
set -euo pipefail

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# Urdu letters (ہ, ے) for the browser test's screenshots of the assistant.
fc-list 2>/dev/null | grep -qi "Noto Naskh Arabic" || need_apt+=(fonts-noto-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Python tools for API fuzzing, the chart and container tests, static
# review of the chart and Dockerfiles (checkov), and the official MCP SDK
# for the MCP client tests (scripts/test-mcp-clients.sh), pinned.
venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}
python_tools=(schemathesis==4.32.5 pytest==8.4.2 pyyaml==6.0.2 checkov==3.3.30 mcp==2.3.0)
if ! "$venv/bin/python" -c 'import schemathesis, pytest, yaml, mcp' 2>/dev/null \
   || [ "$("$venv/bin/checkov" --version 2>/dev/null)" != "${python_tools[3]#checkov==}" ] \
   || [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))' 2>/dev/null)" != "${python_tools[4]#mcp==}" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "${python_tools[@]}"
fi

# The web UI's checks, pinned by frontend/tests/web-checks/package-lock.json:
# axe-core (injected into pages by frontend/tests/browser.rs) and Lighthouse
# (scripts/lighthouse.sh, with Debian's Chromium).
web_checks=${TODO_WEB_CHECKS:-$HOME/.cache/todo-chatbot/npm/web-checks}
web_lock="$(dirname "$0")/../frontend/tests/web-checks/package-lock.json"
web_stamp=$(sha256sum "$web_lock" | cut -c1-16)
if [ "$(cat "$web_checks/.installed" 2>/dev/null)" != "$web_stamp" ]; then
  echo "installing the pinned axe-core and Lighthouse into $web_checks"
  rm -rf "$web_checks"
  mkdir -p "$web_checks"
  cp "$(dirname "$web_lock")/package.json" "$web_lock" "$web_checks/"
  (cd "$web_checks" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$web_stamp" >"$web_checks/.installed"
fi
