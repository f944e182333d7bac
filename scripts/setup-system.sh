#!/usr/bin/env bash
# System packages for Lathe's development and tests on Debian 12 / Ubuntu 22.04+ (run as root or with sudo):
# - Chromium (and Xvfb) for the end-to-end tests;
# - build tools for node-pty's native addon;
# - Debian's Python with the ML stack, for the integration tests that run real Python sessions and models.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # browser for Playwright's "web" project (Playwright's own download is not used)
  chromium xvfb fonts-dejavu-core
  # native addons (node-pty)
  python3 make g++ git
  # /usr/bin/python3 with the ML stack
  python3-numpy python3-onnx python3-torch python3-torchvision python3-matplotlib python3-pandas python3-pil
  python3-ipython python3-ipykernel python3-jupyter-client python3-nbformat python3-nbclient jupyter-nbconvert
  python3-optuna
)

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
echo "System packages ready: $(chromium --version 2>/dev/null || echo 'chromium ?'); $(/usr/bin/python3 -c 'import numpy, torch, onnx; print("python", __import__("sys").version.split()[0], "numpy", numpy.__version__, "torch", torch.__version__, "onnx", onnx.__version__)')"
