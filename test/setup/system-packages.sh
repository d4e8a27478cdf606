#!/usr/bin/env bash
# Installs, with apt, the real components the integration tests drive (none are mocked).
# Runs before every `npm test`; it does nothing when everything is present already.
# With CI=true a component that cannot be installed fails the run instead of being skipped.
set -euo pipefail

# command -> Debian package
declare -A needed=(
	[influxd]=influxdb
	[socat]=socat
	[victoria-metrics]=victoria-metrics
	# Validates docker-compose.yml without a Docker engine (`docker-compose config -q`).
	[docker-compose]=docker-compose
	# `systemd-analyze verify` on deploy/dlms-logger.service, `systemd-sysusers` on its user file.
	[systemd-analyze]=systemd
	[systemd-sysusers]=systemd
)

missing=()
for cmd in "${!needed[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# One package may provide several commands.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

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
# influxdb and victoria-metrics start a system-wide service on install (on :8086, :8088 and :8428). The
# tests start their own servers on free ports, so a policy-rc.d that denies every start is put in place
# for the install, unless one exists already (Docker images ship one).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi
# Another setup step (or apt's own timer) may hold the dpkg lock: wait for it rather than fail at once.
apt_options=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! $sudo apt-get "${apt_options[@]}" update -qq ||
	! $sudo apt-get "${apt_options[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
	echo "system-packages: could not install ${missing[*]}" >&2
	[ "${CI:-}" = "true" ] && exit 1
	exit 0
fi
# Should a service have started all the same (an init that ignores policy-rc.d), stop and disable it:
# a system influxd on :8086 would answer tests that got the port wrong.
for unit in influxdb victoria-metrics; do
	if [ -d /run/systemd/system ]; then
		$sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true
	elif [ -x "/etc/init.d/$unit" ]; then
		$sudo "/etc/init.d/$unit" stop >/dev/null 2>&1 || true
	fi
done
