#!/usr/bin/env bash
# Installs, with apt, the real components the integration tests drive (none are mocked).
# Runs before every `npm test`; it does nothing when everything is present already.
# With CI=true a component that cannot be installed fails the run instead of being skipped.
set -euo pipefail

# command -> Debian package
declare -A needed=()

missing=()
for cmd in "${!needed[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-packages: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "system-packages: need root or sudo to install ${missing[*]} (apt-get install ${missing[*]})" >&2
	[ "${CI:-}" = "true" ] && exit 1
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
