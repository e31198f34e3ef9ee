#!/usr/bin/env bash
# Debian packages the test suite drives for real: debootstrap (rootfs), rpm (rpmdb + vercmp oracle),
# golang-go (`go version -m`), python3-apt (libapt-pkg version oracle), the apk test vectors, skopeo +
# umoci + docker-registry + apache2-utils + openssl (registries and images), postgresql, chromium,
# nftables + iptables + iproute2 (network namespaces: firewalls under test), nmap + socat (the
# reachability proof's scanner and listeners), python3-pip (pip's requirements parser as an oracle), cargo,
# ruby + ruby-bundler and composer (lockfile oracles), tinyproxy
# (the agent behind a proxy), systemd (systemd-analyze verify of the agent's and the server's units;
# debootstrap + umoci + skopeo also build vigil's own image, deploy/image/build-image.sh), awscli +
# python3-botocore (the real clients of the Inspector2-compatible API; a newer AWS CLI or botocore already
# on PATH is used first), faketime (a client with a moved clock), poppler-utils (pdftotext reads back the
# PDF reports vigil prints with chromium) and python3-prometheus-client (the Prometheus project's parser
# reads GET /metrics). No test skips when one is missing: it fails
# naming the tool and its package (test/fixtures/required-tool.ts). Needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  debootstrap rpm python3-rpm gnupg golang-go python3-apt golang-github-knqyf263-go-apk-version-dev \
  skopeo umoci docker-registry apache2-utils openssl zstd xz-utils \
  postgresql chromium fonts-dejavu-core nftables iptables iproute2 nmap socat ca-certificates strace \
  default-jdk-headless unzip libguava-java libcommons-lang3-java libwagon-http-shaded-java gcc binutils \
  ruby python3-packaging python3-pip libmaven3-core-java php-cli php-composer-semver golang-golang-x-mod-dev composer \
  cargo ruby-bundler tinyproxy systemd awscli python3-botocore faketime poppler-utils python3-prometheus-client >/dev/null
