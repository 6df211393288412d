# shellcheck shell=bash
# scenario.sh - run one scenario of testing/tests/<name>: test.conf,
# hosts/<host>/etc/{strongswan.conf,swanctl/}, pretest.dat, evaltest.dat,
# posttest.dat (lines host::command[::pattern::YES|NO|N]).

# conf_load FILE: KEY=VALUE lines (shell-like, no code is run) into CONF
declare -A CONF=()
conf_load() {
	local line k v n=0
	CONF=()
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		if [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
			k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
			v=${v%%[[:space:]]#*}          # trailing comment
			if [[ $v =~ ^\"(.*)\"[[:space:]]*$ ]] || [[ $v =~ ^\'(.*)\'[[:space:]]*$ ]]; then
				v=${BASH_REMATCH[1]}
			fi
			CONF[$k]=$v
		else
			REPLY="$1:$n: not KEY=VALUE: $line"
			return 1
		fi
	done <"$1"
}

# scenario_backend HOST: backend of an IPsec host (test.conf BACKEND_<host>,
# default kernel-libnl), overridden by --backend-peer for PEERS and by
# KL_FORCE_BACKEND (harness self-tests) for all
scenario_backend() {
	local host=$1
	REPLY=${CONF[BACKEND_$host]:-kernel-libnl}
	if [ -n "${KL_BACKEND_PEER:-}" ] && [[ " ${CONF[PEERS]:-} " == *" $host "* ]]; then
		REPLY=$KL_BACKEND_PEER
	fi
	[ -z "${KL_FORCE_BACKEND:-}" ] || REPLY=$KL_FORCE_BACKEND
}

# requirements_met: SKIP reasons (REPLY) for CONF[REQUIRES] and the
# topology's requirements; "guest" is handled by the caller
requirements_met() {
	local r missing=""
	for r in ${CONF[REQUIRES]:-} "${TOPO_REQUIRES[@]}"; do
		case $r in
			guest) in_guest || missing+=" needs the guest kernel (testing/vm/guest-run)" ;;
			CONFIG_*) kconfig_has "$r" || missing+=" kernel lacks $r" ;;
			cmd:*) command -v "${r#cmd:}" >/dev/null || missing+=" command '${r#cmd:}' not installed" ;;
			'') ;;
			*) REPLY="unknown requirement '$r' (guest, CONFIG_*, cmd:*)"; return 2 ;;
		esac
	done
	missing=${missing# }
	REPLY=${missing// needs/, needs}
	REPLY=${REPLY// kernel lacks/, kernel lacks}
	REPLY=${REPLY// command/, command}
	[ -z "$missing" ]
}

FAILURES=""
fail() { FAILURES+="$*"$'\n'; }

# indent TEXT [MAXLINES]: REPLY = TEXT indented, at most MAXLINES (last ones)
indent() {
	local -a l
	local max=${2:-20} i start out=""
	mapfile -t l <<<"$1"
	start=$(( ${#l[@]} > max ? ${#l[@]} - max : 0 ))
	[ "$start" = 0 ] || out+="      [... $start lines before ...]"$'\n'
	for ((i = start; i < ${#l[@]}; i++)); do out+="      ${l[i]}"$'\n'; done
	REPLY=$out
}

# run_dat FILE: execute/check each line of a .dat file
run_dat() {
	local file=$1 base=${1##*/} line n=0 host rest cmd pat exp out rc cnt l until
	[ -f "$file" ] || return 0
	while IFS= read -r line <&3 || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		if [[ $line != *::* ]]; then
			fail "$base:$n: malformed line (host::command[::pattern::YES|NO|N]): $line"
			continue
		fi
		host=${line%%::*} rest=${line#*::}
		host=${host//[[:space:]]/}
		exp="" pat=""
		if [[ $rest == *::* ]] && [[ ${rest##*::} =~ ^[[:space:]]*(YES|NO|[0-9]+)[[:space:]]*$ ]]; then
			exp=${BASH_REMATCH[1]}
			rest=${rest%::*}
			if [[ $rest == *::* ]]; then
				cmd=${rest%%::*} pat=${rest#*::}
			else
				cmd=$rest
			fi
		else
			cmd=$rest
		fi
		# trim the command, substitute PH_IP_* placeholders
		cmd=${cmd#"${cmd%%[![:space:]]*}"}; cmd=${cmd%"${cmd##*[![:space:]]}"}
		subst "$cmd"; cmd=$REPLY
		subst "$pat"; pat=$REPLY
		if [[ $cmd$pat =~ PH_IP6?_[A-Za-z0-9_]* ]]; then
			fail "$base:$n: unknown placeholder ${BASH_REMATCH[0]}: $line"
			continue
		fi
		if [ ! -e "/run/netns/$NS_PREFIX$host" ]; then
			fail "$base:$n: unknown host '$host' (not in the topology): $line"
			continue
		fi
		# extension: "wait-until SEC COMMAND" repeats COMMAND until the
		# check passes or SEC seconds are over
		until=0
		if [[ $cmd =~ ^wait-until[[:space:]]+([0-9]+)[[:space:]]+(.*)$ ]]; then
			until=$((SECONDS + BASH_REMATCH[1]))
			cmd=${BASH_REMATCH[2]}
		fi
		while :; do
			verbose "$host: $cmd"
			rc=0
			# shellcheck disable=SC2016  # literally $LOG
			if [ "$cmd" = 'cat $LOG' ]; then
				# the most common check, without spawning anything
				out=$(<"$WORK/hosts/$host/charon.log") || rc=$?
			else
				out=$(hsh "$host" "$cmd" </dev/null 2>>"$WORK/commands.err") || rc=$?
			fi
			printf '### %s:%s %s: %s (exit %s)\n%s\n' "$base" "$n" "$host" "$cmd" "$rc" "$out" >>"$WORK/commands.log"
			[ -n "$exp" ] || break
			cnt=0
			if [ -n "$out" ]; then
				while IFS= read -r l; do
					[[ $l =~ $pat ]] && cnt=$((cnt + 1))
				done <<<"$out"
			fi
			case $exp in
				YES) [ $cnt -gt 0 ] && break ;;
				NO) [ $cnt -eq 0 ] && break ;;
				*) [ $cnt -eq "$exp" ] && break ;;
			esac
			[ $SECONDS -lt $until ] || break
			nap 0.5
		done
		[ -n "$exp" ] || continue
		case $exp in
			YES) [ $cnt -gt 0 ] && continue ;;
			NO) [ $cnt -eq 0 ] && continue ;;
			*) [ $cnt -eq "$exp" ] && continue ;;
		esac
		indent "$out" 15
		fail "$base:$n: $line"$'\n'"    expected $exp, got $cnt matching line(s) of '$host: $cmd' (exit $rc); output:"$'\n'"${REPLY:-      (none)}"
	done 3<"$file"
}

# scenario_run NAME: run it in $KL_TMP/NAME; writes the result there: the
# status on line 1 (PASS, FAIL, SKIP, XFAIL), the reason/report after it
scenario_run() {
	local name=$1 hst ipsec=() libnl=() backend status reason
	SCENARIO_DIR=$TESTS/$name
	WORK=$KL_TMP/$name
	FAILURES=""
	mkdir -p "$WORK/hosts"
	: >"$WORK/commands.log"
	: >"$WORK/commands.err"
	if ! conf_load "$SCENARIO_DIR/test.conf"; then
		scenario_result FAIL "$REPLY"
		return
	fi
	if ! topo_load "${CONF[TOPOLOGY]:-}" "${CONF[HOSTS]:-}"; then
		scenario_result FAIL "$REPLY"
		return
	fi
	requirements_met
	case $? in
		0) ;;
		2) scenario_result FAIL "$REPLY"; return ;;
		*) scenario_result SKIP "$REPLY"; return ;;
	esac
	if [ -n "${CONF[KERNEL_LIBNL_ONLY]:-}" ] &&
	   [ "${KL_FORCE_BACKEND:-}" = kernel-netlink ]; then
		# --diff's kernel-netlink run: it checks what only kernel-libnl does
		scenario_result SKIP "kernel-libnl only: ${CONF[KERNEL_LIBNL_ONLY]}"
		return
	fi
	for hst in ${CONF[IPSECHOSTS]:-}; do
		if [[ " ${TOPO_HOSTS[*]} " != *" $hst "* ]]; then
			scenario_result FAIL "IPSECHOSTS: $hst is not a host of the topology (${TOPO_HOSTS[*]})"
			return
		fi
		ipsec+=("$hst")
		scenario_backend "$hst"
		backend=$REPLY
		[ "$backend" != kernel-libnl ] || libnl+=("$hst")
	done
	verbose "$name: topology ${CONF[TOPOLOGY]} (${TOPO_HOSTS[*]}), kernel-libnl on: ${libnl[*]:-none}"

	if ! topo_up "$WORK/topology"; then
		fail "topology: $REPLY"
	else
		verbose "topology up"
		scenario_body
	fi

	# teardown: stop charons, check for leftovers, delete the namespaces
	charon_stop ${ipsec[@]+"${ipsec[@]}"} || fail "charon shutdown: $REPLY"
	verbose "charons stopped"
	for hst in ${libnl[@]+"${libnl[@]}"}; do
		memcheck_check "$hst" || fail "memcheck on $hst: $REPLY"
	done
	topo_leftovers "$WORK/topology" || fail "leftovers after posttest: $REPLY"
	topo_down "$WORK/topology" || fail "teardown: $REPLY"
	verbose "topology down"

	if [ -n "$FAILURES" ]; then
		reason=$FAILURES
		for hst in ${ipsec[@]+"${ipsec[@]}"}; do
			[ -s "$WORK/hosts/$hst/charon.log" ] || continue
			indent "$(<"$WORK/hosts/$hst/charon.log")" "$LOG_TAIL"
			reason+="  charon log of $hst ($(<"$WORK/hosts/$hst/backend"), last $LOG_TAIL lines):"$'\n'"$REPLY"
		done
		status=FAIL
	else
		status=PASS
	fi
	scenario_result "$status" "${reason:-}"
}

# everything between topology setup and teardown; failures via fail()
scenario_body() {
	local hst pids=() p i
	for hst in ${ipsec[@]+"${ipsec[@]}"}; do
		scenario_backend "$hst"
		charon_config "$hst" "$REPLY" || { fail "config of $hst: $REPLY"; return; }
	done
	for hst in ${ipsec[@]+"${ipsec[@]}"}; do
		charon_start "$hst" || { fail "starting charon on $hst: $REPLY"; return; }
	done
	charon_wait ${ipsec[@]+"${ipsec[@]}"} || { fail "$REPLY"; return; }
	verbose "vici sockets up"
	for hst in ${ipsec[@]+"${ipsec[@]}"}; do
		swanctl_on "$hst" --load-all --noprompt >"$WORK/hosts/$hst/load-all.log" 2>&1 &
		pids+=($!)
	done
	i=0
	for p in ${pids[@]+"${pids[@]}"}; do
		wait "$p" || { indent "$(<"$WORK/hosts/${ipsec[$i]}/load-all.log")"
			fail "swanctl --load-all on ${ipsec[$i]} failed:"$'\n'"$REPLY"; }
		i=$((i + 1))
	done
	[ -z "$FAILURES" ] || return
	verbose "charons up: ${ipsec[*]:-none}"

	run_dat "$SCENARIO_DIR/pretest.dat"
	snapshot pretest
	run_dat "$SCENARIO_DIR/evaltest.dat"
	snapshot evaltest
	verbose "evaltest done"
	for hst in ${libnl[@]+"${libnl[@]}"}; do
		check_owner "$hst" || fail "kernel-libnl ownership check on $hst:"$'\n'"$REPLY"
	done
	if [ "${KL_PAUSE:-0}" = 1 ]; then
		msg "paused before posttest; hosts: ${TOPO_HOSTS[*]}"
		msg "  KL_WORK=$WORK $TESTING/h HOST CMD...   (e.g. h moon swanctl --list-sas)"
		msg "  logs: $WORK/hosts/HOST/charon.log; press Enter to continue"
		read -r _ </dev/tty || true
	fi
	run_dat "$SCENARIO_DIR/posttest.dat"
}

# snapshot POINT: with KL_SNAPSHOT=1 (testing/run --diff), the normalised
# `ip -s -d xfrm state` and `ip -d xfrm policy` of every IPsec host in
# $WORK/hosts/HOST/snap/POINT.{state,policy}: SPIs, reqids, keys, sequence
# numbers, replay bitmaps, counters, timestamps, policy indexes and jittered
# soft lifetimes replaced, one line per SA/policy, sorted
snapshot() {
	local point=$1 hst d
	[ "${KL_SNAPSHOT:-0}" = 1 ] || return 0
	for hst in ${ipsec[@]+"${ipsec[@]}"}; do
		d=$WORK/hosts/$hst/snap
		mkdir -p "$d"
		h "$hst" ip -s -d xfrm state 2>&1 | snapshot_normalise >"$d/$point.state"
		h "$hst" ip -d xfrm policy 2>&1 | snapshot_normalise >"$d/$point.policy"
	done
}

snapshot_normalise() {
	"$KL_TOOLS/xfrm-norm"
}

# scenario_result STATUS REASON: apply XFAIL, write $WORK/result
scenario_result() {
	local status=$1 reason=$2 first
	mkdir -p "$WORK"
	# the full report, also when XFAIL shortens it below
	printf '%s %s\n%s' "$status" "$name" "$reason" >"$WORK/report"
	if [ -n "${CONF[XFAIL]:-}" ]; then
		case $status in
			FAIL)
				status=XFAIL
				first=${reason%%$'\n'*}
				reason="expected to fail: ${CONF[XFAIL]}; first failure: $first (details: with --keep in LOGS/$name/report)" ;;
			PASS)
				reason="XPASS: marked XFAIL (${CONF[XFAIL]}) but passed" ;;
		esac
	fi
	printf '%s\n%s' "$status" "$reason" >"$WORK/result"
	verbose "result written"
}

# scenario_killed NAME WHY: the scenario process had to be killed (timeout,
# interrupt): clean up after it and write its result
scenario_killed() {
	local name=$1 why=$2 reason f
	SCENARIO_DIR=$TESTS/$name
	WORK=$KL_TMP/$name
	charon_kill_all "$WORK"
	reason="$why"$'\n'
	topo_leftovers "$WORK/topology" || reason+="$REPLY"
	topo_down "$WORK/topology" || reason+="$REPLY"
	for f in "$WORK"/hosts/*/; do   # only --memcheck hosts have ASan reports
		f=${f%/}
		memcheck_check "${f##*/}" || reason+="  memcheck on ${f##*/}: $REPLY"$'\n'
	done
	conf_load "$SCENARIO_DIR/test.conf" 2>/dev/null || CONF=()
	if [ -s "$WORK/commands.log" ]; then
		indent "$(<"$WORK/commands.log")" 10
		reason+="  last commands:"$'\n'"$REPLY"
	fi
	scenario_result FAIL "$reason"
}
