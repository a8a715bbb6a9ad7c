#!/usr/bin/env bash
# Debian packages the pipeline and its tests use: headless Chromium (transcript viewer tests),
# TeX Live with latexmk (the paper), poppler-utils (pdftotext checks of the paper).
# Installs only what is missing; needs root (CI runs as root). Idempotent.
set -euo pipefail
packages=(chromium latexmk texlive-latex-recommended texlive-latex-extra texlive-science lmodern poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
