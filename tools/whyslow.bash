# bash completion for whyslow(1); installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/whyslow.
# Standalone: only compgen and compopt, no bash-completion helpers.

_whyslow_files()
{
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

_whyslow()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd="" i opts formats="md json folded pprof svg html"

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) # the profiled command and its arguments: as bash would
			if [[ $cmd == record ]]; then
				if ((COMP_CWORD == i + 1)); then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					_whyslow_files "$cur"
				fi
				return
			fi ;;
		-*) ;;
		*) [[ -z $cmd ]] && cmd=${COMP_WORDS[i]} ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "record report diff mcp help --help --version -V" -- "$cur"))
		return
	fi
	case $cmd in
	record)
		opts="--pid --all --duration --frequency --output --format --save
		      --top --budget --no-offcpu --no-io --fp-only --min-block-us
		      --as-root --per-thread --verbose --help --version" ;;
	report)
		opts="--output --format --top --budget --focus --per-thread
		      --help --version" ;;
	diff)
		opts="--output --format --top --budget --help --version"
		formats="md json svg" ;;
	mcp)
		COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
		return ;;
	help)
		COMPREPLY=($(compgen -W "record report diff mcp" -- "$cur"))
		return ;;
	*)	return ;;
	esac
	case $prev in
	--format)
		COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		return ;;
	-o|--output|--save)
		_whyslow_files "$cur"
		return ;;
	-p|--pid)
		COMPREPLY=($(compgen -W "$(cd /proc && echo [0-9]*)" -- "$cur"))
		return ;;
	-d|--duration|-F|--frequency|--top|--budget|--min-block-us|--focus)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [[ $cmd != record ]]; then
		_whyslow_files "$cur"
	fi
}

complete -F _whyslow whyslow
