# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# kegctl.bash - bash completion for kegctl(8). `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/kegctl, where bash-completion
# loads it on first use; `source` it to try it without.
#
# The commands, subcommands, arguments and options are read from kegctl's
# own --help (cached per shell), so completion never lags behind the
# program. Values: attached interfaces (the directories under
# /sys/fs/bpf/keg) for --iface and IFACE arguments, every interface of the
# namespace for `attach`, the customers of the interface (`kegctl customer
# list --json`) for ADDR, its subnets for `subnet del`, rule ids and sites
# from `kegctl intercept list`, the transport's sites (`kegctl site list`)
# for `site set|del NAME` and `site up|down SITE`, the choices of an option (--format
# table|json|prometheus) as its usage line lists them, file names for FILE.
# Needs nothing from the bash-completion package.

declare -gA _kegctl_help_cache 2>/dev/null || true

# _kegctl_help PROG [WORDS...]: `PROG WORDS --help`, cached.
_kegctl_help() {
	local key="$*"
	if [[ -z ${_kegctl_help_cache[$key]+set} ]]; then
		_kegctl_help_cache[$key]=$("$@" --help 2>/dev/null)
	fi
	printf '%s\n' "${_kegctl_help_cache[$key]}"
}

# The command list of `kegctl --help`: "attach", "subnet add", ...
_kegctl_commands() {
	_kegctl_help "$1" | awk '
		/^Commands:/ { on = 1; next }
		on && /^$/ { exit }
		on {
			sub(/^ +/, "")
			split($0, col, /  +/)
			n = split(col[1], w, " ")
			if (n >= 2 && w[2] ~ /^[a-z]/) print w[1] " " w[2]
			else print w[1]
		}'
}

_kegctl_attached() {
	local d
	for d in /sys/fs/bpf/keg/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		d=${d##*/}
		# sites:COOKIE holds the keg transport's sites, no interface (an
		# interface name cannot hold a ':').
		[[ $d == *:* ]] || printf '%s\n' "$d"
	done
}

_kegctl_all_ifaces() {
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# _kegctl_list PROG IFACE customers|subnets: the entries of IFACE (or of
# the only attached interface when IFACE is empty).
_kegctl_list() {
	local prog=$1 ifc=$2 what=$3
	local -a args=("${what%s}" list --json)
	[[ -n $ifc ]] && args+=(--iface "$ifc")
	"$prog" "${args[@]}" 2>/dev/null |
		sed -n "s/.*\"$what\": *\\[\\([^]]*\\)\\].*/\\1/p" | tr -d '" ' | tr ',' '\n' |
		sed '/^$/d'
}

# The transport's sites of this namespace: `kegctl site list`, first column.
_kegctl_sites() {
	"$1" site list 2>/dev/null | awk '{ print $1 }'
}

# _kegctl_rules PROG IFACE ids|sites
_kegctl_rules() {
	local prog=$1 ifc=$2
	local -a args=(intercept list)
	[[ -n $ifc ]] && args+=(--iface "$ifc")
	if [[ $3 == ids ]]; then
		"$prog" "${args[@]}" 2>/dev/null | awk '{ print $2 }'
	else
		"$prog" "${args[@]}" 2>/dev/null |
			sed -n 's/.*--site \([^ ]*\).*/\1/p' | sort -u
	fi
}

# The value of --iface/-i given so far on the line.
_kegctl_iface_word() {
	local i w
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--iface=*) printf '%s\n' "${w#--iface=}"; return ;;
		--iface|-i)
			# "--iface=X" arrives as three words where '=' breaks words.
			if [[ ${COMP_WORDS[i + 1]:-} == = ]]; then
				printf '%s\n' "${COMP_WORDS[i + 2]:-}"
			else
				printf '%s\n' "${COMP_WORDS[i + 1]:-}"
			fi
			return ;;
		-i?*) printf '%s\n' "${w#-i}"; return ;;
		esac
	done
}

# Candidates for a value: an argument or option metavar of a command.
_kegctl_values() {	# PROG CMD META CHOICES
	local prog=$1 cmd=$2 meta=$3 choices=$4 ifc
	if [[ -n $choices ]]; then
		tr '|' '\n' <<<"$choices"
		return
	fi
	ifc=$(_kegctl_iface_word)
	case $meta in
	IFACE)
		if [[ $cmd == attach ]]; then _kegctl_all_ifaces; else _kegctl_attached; fi ;;
	UPLINK) _kegctl_all_ifaces ;;
	ADDR) [[ $cmd == customer\ @(set|del) ]] && _kegctl_list "$prog" "$ifc" customers ;;
	PREFIX) [[ $cmd == subnet\ del ]] && _kegctl_list "$prog" "$ifc" subnets ;;
	ID) _kegctl_rules "$prog" "$ifc" ids ;;
	SITE) { _kegctl_rules "$prog" "$ifc" sites; _kegctl_sites "$prog"; } | sort -u ;;
	NAME) [[ $cmd == site\ @(set|del) ]] && _kegctl_sites "$prog" ;;
	FILE) [[ $cmd == schedule\ * ]] && echo @applied; echo __FILES__ ;;
	esac
}

_kegctl() {
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local -a words=() cmdwords=()
	local i w cmd="" help usage line
	COMPREPLY=()

	# The words before the cursor, without the global -v/--verbose.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ ${#words[@]} -eq 0 && $w == -* ]] && continue
		words+=("$w")
	done

	# Which command: one or two words of the command list.
	local c
	while IFS= read -r c; do
		[[ -z $c ]] && continue
		local -a cw
		read -ra cw <<<"$c"
		if [[ ${words[0]:-} == "${cw[0]}" && (${#cw[@]} -eq 1 || ${words[1]:-} == "${cw[1]:-}") ]]; then
			cmd=$c
			cmdwords=("${cw[@]}")
			break
		fi
	done < <(_kegctl_commands "$prog")

	if [[ -z $cmd ]]; then
		local -a cands
		if [[ ${#words[@]} -eq 0 ]]; then
			if [[ $cur == -* ]]; then
				mapfile -t COMPREPLY < <(compgen -W "--verbose --help" -- "$cur")
				return
			fi
			mapfile -t cands < <(_kegctl_commands "$prog" | awk '{ print $1 }' | sort -u)
		elif [[ ${#words[@]} -eq 1 ]]; then
			mapfile -t cands < <(_kegctl_commands "$prog" |
				awk -v g="${words[0]}" '$1 == g && NF == 2 { print $2 }')
		fi
		mapfile -t COMPREPLY < <(compgen -W "${cands[*]}" -- "$cur")
		return
	fi

	help=$(_kegctl_help "$prog" "${cmdwords[@]}")
	usage=$(sed -n 's/^Usage: //p' <<<"$help")

	# Options: "  -i, --iface IFACE   ..." and "      --leaf QDISC ..."
	local -a opts=() metas=() choices=()
	while IFS= read -r line; do
		if [[ $line =~ ^\ +(-[A-Za-z0-9],\ )?--([a-z0-9-]+)(\ ([^ ]+))? ]]; then
			local o=${BASH_REMATCH[2]} m=${BASH_REMATCH[4]:-} ch=""
			[[ $usage =~ \[--$o\ ([^]\ ]*\|[^]\ ]*)\] ]] && ch=${BASH_REMATCH[1]}
			opts+=("--$o")
			metas+=("$m")
			choices+=("$ch")
		fi
	done < <(sed -n '/^Options:/,$p' <<<"$help")

	local meta="" ch="" prev=${COMP_WORDS[COMP_CWORD - 1]} prefix="" eq=0
	# The value of an option: after "--opt", or "--opt=" as one word (no
	# '=' in COMP_WORDBREAKS) or as "--opt" "=" "value" (readline's default).
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		prefix=$prev=
		cur=${cur#*=}
		eq=1
	elif [[ $cur == = ]]; then
		cur=""
		eq=1
	elif [[ $prev == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
		eq=1
	fi
	for ((i = 0; i < ${#opts[@]}; i++)); do
		if [[ $prev == "${opts[i]}" && -n ${metas[i]} ]]; then
			meta=${metas[i]}
			ch=${choices[i]}
			break
		fi
	done
	if [[ -z $meta && $eq == 0 && $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${opts[*]}" -- "$cur")
		return
	fi
	[[ -z $meta && $eq == 1 ]] && return
	if [[ -z $meta ]]; then
		# A positional argument: count those already given.
		local -a args
		read -ra args <<<"$(sed 's/\[[^]]*\]//g' <<<"${usage#kegctl }")"
		local n=0 skip=0
		for ((i = ${#cmdwords[@]}; i < ${#words[@]}; i++)); do
			w=${words[i]}
			# "--opt" "=" "value": the value follows the '='.
			if [[ $w == = ]]; then skip=1; continue; fi
			if ((skip)); then skip=0; continue; fi
			if [[ $w == --*=* ]]; then continue; fi
			if [[ $w == -* ]]; then
				local k
				for ((k = 0; k < ${#opts[@]}; k++)); do
					[[ $w == "${opts[k]}" && -n ${metas[k]} ]] && skip=1
				done
				[[ $w =~ ^-[A-Za-z]$ ]] && [[ $help =~ \ $w,\ --[a-z0-9-]+\ [^\ ] ]] && skip=1
				continue
			fi
			n=$((n + 1))
		done
		meta=${args[${#cmdwords[@]} + n]:-}
		[[ -z $meta ]] && return
	fi
	local -a vals
	mapfile -t vals < <(_kegctl_values "$prog" "$cmd" "$meta" "$ch")
	if [[ " ${vals[*]} " == *" __FILES__ "* ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		vals=("${vals[@]/__FILES__/}")
	fi
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "${vals[*]}" -- "$cur" |
		sed "s|^|$prefix|")
}

complete -F _kegctl kegctl
