#!/usr/bin/env bash
# First step of `npm test`: the browser tests (test/ui) drive Debian's chromium; a CJK font renders the
# Chinese pages and chromium-l10n gives the browser's own controls (date and file inputs) in zh-CN.
# Present: nothing to do. Missing: install them with apt-get (as root, or through sudo without a password
# prompt); if that is not possible, stop with the one command to run, before any test starts.
set -euo pipefail
have() {
  [ -x /usr/bin/chromium ] && [ -e /usr/lib/chromium/locales/zh-CN.pak ] && fc-list :lang=zh 2>/dev/null | grep -q .
}
have && exit 0
PKGS="chromium chromium-l10n fonts-wqy-microhei"
echo "browser tests need Debian's $PKGS; installing them (apt-get)…" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "cannot install as this user: run  sudo apt-get install -y $PKGS  and then npm test again" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "no apt-get on this machine: install chromium (at /usr/bin/chromium) with its zh-CN locale and a CJK font, then npm test again" >&2
  exit 1
fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $PKGS
have || { echo "installed $PKGS but /usr/bin/chromium, its zh-CN locale or a CJK font is still missing" >&2; exit 1; }
