# shellcheck shell=bash disable=SC2034
# (SC2034: the variables are used by the other files of lib/)
# common.sh - paths, knobs, addresses and small helpers of the test harness.
# Sourced by testing/run and testing/lib/scenario; needs bash >= 4.3.

TESTING=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$TESTING/.." && pwd)
TESTS=${KL_TESTS:-$TESTING/tests}
TOPOLOGIES=$TESTING/topologies
# helpers for .dat commands (e.g. ${KL_TOOLS}/xfrm-migrate), absolute
export KL_TOOLS=${KL_TOOLS:-$TESTING/tools}

# the plugin under test, made visible to kernel-libnl hosts only
# (default: the build tree in the repository; scripts/build's non-recursive
# automake puts it in build/.libs/, a recursive one in build/src/plugin/.libs/)
if [ -z "${KERNEL_LIBNL_PLUGIN:-}" ]; then
	KERNEL_LIBNL_PLUGIN=$REPO/build/src/plugin/.libs/libstrongswan-kernel-libnl.so
	[ -e "$KERNEL_LIBNL_PLUGIN" ] || [ ! -e "$REPO/build/.libs/libstrongswan-kernel-libnl.so" ] ||
		KERNEL_LIBNL_PLUGIN=$REPO/build/.libs/libstrongswan-kernel-libnl.so
fi
# name the plugin registers under (load list entry, loaded plugins line)
KL_PLUGIN_NAME=${KL_PLUGIN_NAME:-kernel-libnl}
IPSEC_PLUGINDIR=${KL_IPSEC_PLUGINDIR:-/usr/lib/ipsec/plugins}
CHARON=${KL_CHARON:-/usr/lib/ipsec/charon}
# --memcheck: the ASan runtime preloaded into charon (gcc 12's; charon itself
# is not instrumented)
KL_ASAN_RUNTIME=${KL_ASAN_RUNTIME:-/usr/lib/x86_64-linux-gnu/libasan.so.8}
# prefix of every network namespace we create (hosts are named like in
# strongSwan's testing environment: moon, sun, alice, ...)
NS_PREFIX=${KL_NS_PREFIX:-}
SWITCH_NS=${NS_PREFIX}switch
# lines of each charon log shown with a FAIL
LOG_TAIL=${KL_LOG_TAIL:-25}

msg() { echo "testing: $*" >&2; }
die() { msg "ERROR: $*"; exit 2; }
verbose() { [ "${KL_VERBOSE:-0}" = 0 ] || echo "  [${EPOCHREALTIME}] $*" >&2; }

# Cheap sleep: no process spawn (a spawn costs 40-300 ms under TCG).
if exec {_KL_SLEEP_FD}<> <(:); then
	nap() { read -r -t "$1" -u "$_KL_SLEEP_FD" _ || true; }
else
	nap() { sleep "$1"; }
fi 2>/dev/null

# Addresses (documentation ranges) by strongSwan host name.  "<host>1" is a
# gateway's second (LAN side) interface, like PH_IP_MOON1 upstream.
#   inet (the "internet" between gateways and road warriors): 192.0.2.0/24,   2001:db8:1::/64
#   lan1 (behind moon):                                      198.51.100.0/24, 2001:db8:10::/64
#   lan2 (behind sun):                                       203.0.113.0/24,  2001:db8:20::/64
declare -A IP4=(
	[moon]=192.0.2.1 [sun]=192.0.2.2 [winnetou]=192.0.2.15
	[carol]=192.0.2.100 [dave]=192.0.2.200
	[moon1]=198.51.100.1 [alice]=198.51.100.10 [venus]=198.51.100.20
	[sun1]=203.0.113.1 [bob]=203.0.113.10
)
declare -A IP6=(
	[moon]=2001:db8:1::1 [sun]=2001:db8:1::2 [winnetou]=2001:db8:1::15
	[carol]=2001:db8:1::100 [dave]=2001:db8:1::200
	[moon1]=2001:db8:10::1 [alice]=2001:db8:10::10 [venus]=2001:db8:10::20
	[sun1]=2001:db8:20::1 [bob]=2001:db8:20::10
)
declare -A NET4=([inet]=24 [lan1]=24 [lan2]=24)
declare -A NET6=([inet]=64 [lan1]=64 [lan2]=64)

# subst TEXT: replace PH_IP_<HOST>, PH_IP6_<HOST> (strongSwan placeholders)
# and @KEY@ for keys in the SUBST associative array; result in REPLY.
declare -A SUBST=()
subst() {
	local t=$1 k K alts a rep v
	# PH_IP_(MOON|SUN) -> (PH_IP_MOON|PH_IP_SUN), for patterns
	while [[ $t =~ PH_IP(6?)_\(([A-Z0-9|]+)\) ]]; do
		alts=${BASH_REMATCH[2]} rep=""
		IFS='|' read -r -a a <<<"$alts"
		for v in "${a[@]}"; do rep+="|PH_IP${BASH_REMATCH[1]}_$v"; done
		t=${t/"${BASH_REMATCH[0]}"/"(${rep#|})"}
	done
	if [[ $t == *PH_IP* ]]; then
		# longest names first: PH_IP_MOON1 before PH_IP_MOON
		for k in moon1 sun1 winnetou carol dave alice venus moon sun bob; do
			K=${k^^}
			t=${t//PH_IP6_$K/${IP6[$k]}}
			t=${t//PH_IP_$K/${IP4[$k]}}
		done
	fi
	if [[ $t == *@*@* ]]; then
		for k in "${!SUBST[@]}"; do t=${t//@$k@/${SUBST[$k]}}; done
	fi
	REPLY=$t
}

# ns HOST: name of the host's network namespace
ns() { REPLY=$NS_PREFIX$1; }

# h HOST CMD [ARGS...]: run a command on a host (in its network namespace,
# with STRONGSWAN_CONF/SWANCTL_DIR of its charon, so swanctl just works).
# $LOG is the host's charon log.  Needs WORK (the scenario's work dir).
h() {
	local host=$1 d
	shift
	d=$WORK/hosts/$host
	LOG=$d/charon.log HOSTDIR=$d STRONGSWAN_CONF=$d/strongswan.conf \
	SWANCTL_DIR=$d/swanctl ip netns exec "$NS_PREFIX$host" "$@"
}

# hsh HOST 'shell command line': like h, but through sh -c unless the
# command is a plain word list.  Saves processes (40-300 ms each under
# emulation): "ip ..." becomes "ip -n NS ...", "swanctl ..." runs directly
# (it only talks to the host's vici socket).
hsh() {
	local host=$1 cmd=$2 argv d
	if [[ $cmd == *[\|\&\;\<\>\(\)\$\`\\\"\'\*\?\[\#\~\{\}]* ]]; then
		h "$host" /bin/sh -c "$cmd"
		return
	fi
	read -r -a argv <<<"$cmd"
	[[ ${argv[0]} != *=* ]] || { h "$host" /bin/sh -c "$cmd"; return; }
	case ${argv[0]} in
		ip)
			ip -n "$NS_PREFIX$host" "${argv[@]:1}" ;;
		swanctl)
			d=$WORK/hosts/$host
			STRONGSWAN_CONF=$d/strongswan.conf SWANCTL_DIR=$d/swanctl "${argv[@]}" ;;
		*)
			h "$host" "${argv[@]}" ;;
	esac
}

# kconfig_has SYMBOL: the kernel we run on (or will run the scenario on) has
# CONFIG_SYMBOL=y|m.  Unknown config: assume yes.
kconfig_file() {
	if [ -n "${KL_GUEST_KCONFIG:-}" ]; then REPLY=$KL_GUEST_KCONFIG
	elif [ -r "/boot/config-$(uname -r)" ]; then REPLY=/boot/config-$(uname -r)
	elif [ -r /proc/config.gz ]; then REPLY=/proc/config.gz
	else REPLY=
	fi
}
kconfig_has() {
	local sym=${1#CONFIG_}
	kconfig_file
	[ -n "$REPLY" ] || return 0
	case $REPLY in
		*.gz) zgrep -qE "^CONFIG_$sym=(y|m)$" "$REPLY" ;;
		*) grep -qE "^CONFIG_$sym=(y|m)$" "$REPLY" ;;
	esac
}

# swanctl_on HOST ARGS...: swanctl talking to the host's charon
swanctl_on() {
	local d=$WORK/hosts/$1
	shift
	STRONGSWAN_CONF=$d/strongswan.conf SWANCTL_DIR=$d/swanctl swanctl "$@"
}

in_guest() { [ "${KL_GUEST:-0}" = 1 ]; }
