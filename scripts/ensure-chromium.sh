#!/usr/bin/env bash
# The e2e suite drives Debian's Chromium (Playwright cannot download browsers on these machines).
# Installs it with apt when missing, and says so; fails with what to install when it cannot.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium package with apt (takes a few minutes)..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-chromium: not root and no sudo. Install Chromium yourself: apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium binary)." >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get not found. Install Chromium with your package manager and set CHROMIUM_PATH to its binary." >&2
  exit 1
fi
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; }; then
  echo "ensure-chromium: apt-get could not install chromium. Install it yourself (apt-get install -y chromium) and rerun npm test." >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM is still missing; set CHROMIUM_PATH to its binary." >&2
  exit 1
fi
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)." >&2
