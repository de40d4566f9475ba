#!/usr/bin/env bash
# Installs the Debian packages the PDF tests need (LibreOffice Writer, and Calc for the 统计表 test; poppler, CJK
# fonts) and the browser tests need (Chromium and its driver, tests/browser/) when missing,
# and the 仿宋 face FandolFang for the PDF body (see templates/fonts.conf).
# Used by `make test`, `make demo` and `.ci/run`; needs root (or sudo) on a machine that lacks them.
set -euo pipefail
PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai
  fonts-liberation2 fontconfig chromium chromium-driver)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
updated=""
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -qq
  updated=1
  $SUDO apt-get install -y -qq "${missing[@]}"
fi

# FandolFang (GPL-compatible, redistributable) is shipped in Debian only by texlive-lang-chinese, which
# pulls in the whole TeX Live base (hundreds of MB). We take the one font file out of that package
# instead: apt-get download (no install, no dependencies), then extract FandolFang-Regular.otf.
FANDOL_DIR=/usr/local/share/fonts/fandol
FANDOL_TEX=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf
if [ ! -f "$FANDOL_DIR/FandolFang-Regular.otf" ] && [ ! -f "$FANDOL_TEX" ]; then
  echo "安装仿宋字体 FandolFang（取自 Debian 软件包 texlive-lang-chinese）"
  [ -n "$updated" ] || $SUDO apt-get update -qq
  work=$(mktemp -d)
  chmod 755 "$work"  # apt-get download runs as _apt and must write here
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq texlive-lang-chinese)
  dpkg-deb --fsys-tarfile "$work"/texlive-lang-chinese_*.deb |
    tar -x -C "$work" "./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf" \
      "./usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz"
  $SUDO mkdir -p "$FANDOL_DIR"
  $SUDO install -m 644 "$work/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf" \
    "$work/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz" "$FANDOL_DIR/"
  $SUDO fc-cache -f "$FANDOL_DIR" >/dev/null
fi
