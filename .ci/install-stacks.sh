#!/usr/bin/env bash
# Installs everything internal/record's live tests need on a fresh Debian
# machine: Debian's Chromium and Firefox ESR (TestLive, TestLiveFirefox; the
# recorder drives Firefox over its built-in WebDriver BiDi, so no
# geckodriver), the server stacks it records against (nginx,
# Apache, Flask + flask-cors, Django + django-cors-headers, FastAPI/Starlette
# with uvicorn, Caddy, Rack + rack-cors on WEBrick, PHP's CLI server), and the Express
# stack's and the dev servers' (Vite, webpack-dev-server, Next.js) npm packages from their lock files. Safe
# to run again: packages that
# are already installed are not touched, and `npm ci` gives the same tree.
#
# apt-get may start the system's nginx and apache2 services on port 80; the
# recorder never uses them (it runs its own copies on 127.0.0.1:8804/8805
# from internal/record/stacks/, with their own prefixes and config files).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

packages=(
  chromium
  firefox-esr
  nginx
  apache2
  python3-flask
  python3-flask-cors
  python3-django
  python3-django-cors-headers
  python3-fastapi
  python3-starlette
  python3-uvicorn
  caddy
  ruby-rack
  ruby-rack-cors
  ruby-webrick
  php-cli
)
# The machine image ships Node.js with npm; install Debian's only if absent.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "install-stacks: installing ${missing[*]}"
  apt-get update
  apt-get install -y "${missing[@]}"
else
  echo "install-stacks: Debian packages already installed"
fi

echo "install-stacks: npm ci in internal/record/stacks/express"
(cd internal/record/stacks/express && npm ci --no-audit --no-fund)
echo "install-stacks: npm ci in internal/record/axe (accessibility checks of the HTML report)"
(cd internal/record/axe && npm ci --no-audit --no-fund)

# The dev servers (internal/record/stacks/vite, ...), pinned by their lock
# files. npm_ci_cached skips `npm ci` when node_modules was installed from
# this very lock file (a copy is kept beside it), so a rerun costs nothing;
# a fresh machine gets the full install.
npm_ci_cached() {
  local dir=$1
  if cmp -s "$dir/package-lock.json" "$dir/node_modules/.harcors-installed-lock.json"; then
    echo "install-stacks: $dir: node_modules up to date"
    return
  fi
  echo "install-stacks: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.harcors-installed-lock.json)
}
npm_ci_cached internal/record/stacks/vite
npm_ci_cached internal/record/stacks/webpack
npm_ci_cached internal/record/stacks/next

# har-validator, which internal/sanitize's TestSchema runs on sanitized HARs.
echo "install-stacks: npm ci in internal/record/harcheck"
(cd internal/record/harcheck && npm ci --no-audit --no-fund)

/usr/bin/chromium --version
/usr/bin/firefox-esr --version
