# shellcheck shell=bash disable=SC2153
# (SC2153: IP4/IP6/NET4/NET6 come from common.sh)
# topology.sh - hosts as network namespaces joined by veth pairs to one
# bridge per segment in a "switch" namespace.  Topologies are described in
# testing/topologies/<name> (see testing/README.md).

TOPO_HOSTS=()          # hosts in creation order
TOPO_IFACES=()         # "host iface segment addrkey"
TOPO_SEGMENTS=()
TOPO_FORWARD=()
TOPO_ROUTES=()         # "host dest addrkey"
TOPO_NAT=()            # "host oif segment"
TOPO_REQUIRES=()

_topo_add_unique() { # ARRAYNAME VALUE
	local -n _a=$1
	local v
	for v in "${_a[@]}"; do [ "$v" != "$2" ] || return 0; done
	_a+=("$2")
}

_topo_wanted() { # HOST: is HOST part of the scenario? (empty ONLY = all)
	[ -z "$TOPO_ONLY" ] || [[ " $TOPO_ONLY " == *" $1 "* ]]
}

# topo_load NAME [HOSTS]: parse a topology, restricted to HOSTS if given
topo_load() {
	local name=$1 file=$TOPOLOGIES/$1 kw a b c d n=0
	TOPO_ONLY=${2:-}
	TOPO_HOSTS=() TOPO_IFACES=() TOPO_SEGMENTS=() TOPO_FORWARD=()
	TOPO_ROUTES=() TOPO_NAT=() TOPO_REQUIRES=()
	[ -f "$file" ] || { REPLY="unknown topology '$name'"; return 1; }
	while read -r kw a b c d; do
		n=$((n + 1))
		case $kw in
			''|'#'*) ;;
			iface)
				_topo_wanted "$a" || continue
				if [ -z "$d" ] || [ -z "${IP4[$d]:-}" ] || [ -z "${NET4[$c]:-}" ]; then
					REPLY="$file:$n: bad iface line (unknown segment or address key?)"
					return 1
				fi
				_topo_add_unique TOPO_HOSTS "$a"
				_topo_add_unique TOPO_SEGMENTS "$c"
				TOPO_IFACES+=("$a $b $c $d") ;;
			forward) _topo_wanted "$a" && TOPO_FORWARD+=("$a") ;;
			route) _topo_wanted "$a" && TOPO_ROUTES+=("$a $b $c") ;;
			masquerade) _topo_wanted "$a" && TOPO_NAT+=("$a $b $c") ;;
			require) TOPO_REQUIRES+=("$a") ;;
			*) REPLY="$file:$n: unknown keyword '$kw'"; return 1 ;;
		esac
	done <"$file"
	local hst
	for hst in $TOPO_ONLY; do
		[[ " ${TOPO_HOSTS[*]} " == *" $hst "* ]] ||
			{ REPLY="host '$hst' is not part of topology '$name'"; return 1; }
	done
	return 0
}

# topo_up DIR: create namespaces, links, addresses, routes; batch files go to
# DIR; the list of namespaces to DIR/netns (for cleanup after a timeout)
topo_up() {
	local dir=$1 root=$1/root.ip hst ifc seg key dst via nsn
	mkdir -p "$dir"
	: >"$root"
	: >"$dir/netns"
	for hst in "${TOPO_HOSTS[@]}" switch; do
		ns "$hst"; nsn=$REPLY
		[ "$hst" != switch ] || nsn=$SWITCH_NS
		if [ -e "/run/netns/$nsn" ]; then
			REPLY="network namespace '$nsn' exists already (another run, or a leftover: 'ip netns del $nsn')"
			return 1
		fi
		echo "netns add $nsn" >>"$root"
		echo "$nsn" >>"$dir/netns"
		printf 'link set lo up\n' >"$dir/$hst.ip"
	done
	for seg in "${TOPO_SEGMENTS[@]}"; do
		echo "link add br-$seg netns $SWITCH_NS type bridge" >>"$root"
		echo "link set br-$seg up" >>"$dir/switch.ip"
	done
	for ifc in "${TOPO_IFACES[@]}"; do
		read -r hst ifc seg key <<<"$ifc"
		ns "$hst"
		echo "link add $ifc netns $REPLY type veth peer name $hst-$ifc netns $SWITCH_NS" >>"$root"
		echo "link set $hst-$ifc master br-$seg up" >>"$dir/switch.ip"
		{
			echo "addr add ${IP4[$key]}/${NET4[$seg]} dev $ifc"
			echo "addr add ${IP6[$key]}/${NET6[$seg]} dev $ifc nodad"
			echo "link set $ifc up"
		} >>"$dir/$hst.ip"
	done
	for ifc in "${TOPO_ROUTES[@]}"; do
		read -r hst dst via <<<"$ifc"
		{
			echo "route add $dst via ${IP4[$via]}"
			[ "$dst" != default ] || echo "route add ::/0 via ${IP6[$via]}"
		} >>"$dir/$hst.ip"
	done
	ip -b "$root" >"$dir/ip.log" 2>&1 ||
		{ REPLY="creating namespaces failed: $(cat "$dir/ip.log")"; return 1; }
	ip -n "$SWITCH_NS" -b "$dir/switch.ip" >>"$dir/ip.log" 2>&1 ||
		{ REPLY="switch setup failed: $(cat "$dir/ip.log")"; return 1; }
	# per host: DAD off (all devices exist but are down), forwarding, then
	# addresses/routes, then NAT; one process chain per namespace
	local pids=() p sh
	for hst in "${TOPO_HOSTS[@]}"; do
		# shellcheck disable=SC2016  # expanded by that sh
		sh='for f in /proc/sys/net/ipv6/conf/*/accept_dad; do echo 0 >"$f"; done'
		if [[ " ${TOPO_FORWARD[*]} " == *" $hst "* ]]; then
			sh+='; echo 1 >/proc/sys/net/ipv4/ip_forward'
			sh+='; echo 1 >/proc/sys/net/ipv6/conf/all/forwarding'
		fi
		sh+="; ip -b '$dir/$hst.ip'"
		for ifc in "${TOPO_NAT[@]}"; do
			read -r p dst seg <<<"$ifc"
			[ "$p" = "$hst" ] || continue
			printf 'table ip nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat;\n\t\toifname "%s" ip saddr %s masquerade\n\t}\n}\n' \
				"$dst" "$(_topo_prefix "$hst" "$seg")" >"$dir/$hst.nft"
			sh+=" && nft -f '$dir/$hst.nft'"
		done
		ns "$hst"
		ip netns exec "$REPLY" /bin/sh -c "$sh" >"$dir/$hst.log" 2>&1 &
		pids+=($!)
	done
	local rc=0 i=0
	for p in "${pids[@]}"; do
		wait "$p" || { rc=1; REPLY="setup of ${TOPO_HOSTS[$i]} failed: $(cat "$dir/${TOPO_HOSTS[$i]}.log")"; }
		i=$((i + 1))
	done
	return $rc
}

# IPv4 prefix of SEGMENT as seen from HOST's address on it
_topo_prefix() {
	local ifc hst i seg key a
	for ifc in "${TOPO_IFACES[@]}"; do
		read -r hst i seg key <<<"$ifc"
		if [ "$hst" = "$1" ] && [ "$seg" = "$2" ]; then
			a=${IP4[$key]}
			echo "${a%.*}.0/${NET4[$seg]}"
			return
		fi
	done
}

# topo_leftovers DIR: fail (REPLY = details) if any of our namespaces still
# has processes, XFRM states or XFRM policies
topo_leftovers() {
	local dir=$1 nsn out p comm bad="" batch=$1/check.ip
	[ -s "$dir/netns" ] || return 0
	: >"$batch"
	while read -r nsn; do
		echo "netns pids $nsn" >>"$batch"
	done <"$dir/netns"
	out=$(ip -b "$batch" 2>&1) || true
	if [ -n "$out" ]; then
		for p in $out; do
			read -r comm <"/proc/$p/comm" 2>/dev/null || comm='?'
			bad+="process left running: $p ($comm)"$'\n'
		done
	fi
	# (not one "ip -b": iproute2 6.1 keeps the filter of a first xfrm
	# listing for the second and shows nothing)
	local nss=() pids=()
	while read -r nsn; do
		[ -e "/run/netns/$nsn" ] || continue
		nss+=("$nsn")
		{ ip -n "$nsn" xfrm state; ip -n "$nsn" xfrm policy; } >"$dir/xfrm.$nsn" 2>&1 &
		pids+=($!)
	done <"$dir/netns"
	for p in ${pids[@]+"${pids[@]}"}; do wait "$p"; done
	for nsn in ${nss[@]+"${nss[@]}"}; do
		_topo_drop_larval "$(<"$dir/xfrm.$nsn")"
		[ -z "$REPLY" ] || bad+="XFRM state/policy left in netns $nsn:"$'\n'"$REPLY"$'\n'
	done
	REPLY=$bad
	[ -z "$bad" ]
}

# _topo_drop_larval TEXT: REPLY = TEXT without the kernel's larval ACQUIRE
# states (spi 0): the kernel creates them on ACQUIRE, they vanish when the SA
# is added or after xfrm_acq_expires; charon never owns one
_topo_drop_larval() {
	local line block="" out=""
	while IFS= read -r line; do
		if [[ $line == src* ]]; then
			_topo_larval "$block" || out+=$block
			block=""
		fi
		block+=$line$'\n'
	done <<<"$1"
	_topo_larval "$block" || out+=$block
	out=${out%$'\n'}
	REPLY=${out%$'\n'}
}

_topo_larval() { # a state (policies have "dir") with SPI 0
	[[ $1 == *" spi 0x00000000 "* ]] && [[ $1 != *$'\n\tdir '* ]]
}

# topo_down DIR: kill what is left in our namespaces and delete them
topo_down() {
	local dir=$1 nsn p pids=() batch=$1/down.ip
	[ -s "$dir/netns" ] || return 0
	: >"$batch"
	while read -r nsn; do
		[ -e "/run/netns/$nsn" ] && echo "netns pids $nsn" >>"$batch"
	done <"$dir/netns"
	[ -s "$batch" ] || { : >"$dir/netns"; return 0; }
	read -r -d '' -a pids < <(ip -b "$batch" 2>/dev/null) || true
	for p in ${pids[@]+"${pids[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done
	: >"$batch"
	while read -r nsn; do
		[ -e "/run/netns/$nsn" ] && echo "netns del $nsn" >>"$batch"
	done <"$dir/netns"
	ip -force -b "$batch" >>"$dir/ip.log" 2>&1 || true
	REPLY=""
	while read -r nsn; do
		[ ! -e "/run/netns/$nsn" ] || REPLY+="network namespace $nsn could not be deleted"$'\n'
	done <"$dir/netns"
	: >"$dir/netns"
	[ -z "$REPLY" ]
}
