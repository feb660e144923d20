# bash completion for roomctl, roomctl-agent and roomctl-gate (issue 16).
# Type names, field names and their values come from the schemas found at
# completion time (`roomctl __complete`), honouring --schemas on the line and
# ROOMCTL_SCHEMA_PATH.

# Options that take a value (as a separate word), for every roomctl command.
_roomctl_takes_value() {
  case $1 in
    --file|-f|--jid|-j|--password-file|-p|--host|--port|--pubsub|--access|-a|--version|--gate)
      return 0 ;;
  esac
  return 1
}

_roomctl_options() {
  local conn='--jid --password-file --host --port --pubsub --allow-plaintext --schemas'
  case $1 in
    publish) echo "--file --dry-run --json --version $conn" ;;
    retract|purge) echo "--dry-run --json --yes $conn" ;;
    state) echo "--json $conn" ;;
    watch) echo "--json --state $conn" ;;
    "room create") echo "--access --json $conn" ;;
    "room show"|"room sync") echo "--json $conn" ;;
    room*) echo "$conn" ;;
    types|"schema types") echo "--schemas --json" ;;
    describe|"schema describe") echo "--schemas --json --version" ;;
  esac
}

_roomctl() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n = || return
  else
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  fi
  local roomctl=${words[0]}
  # The command, its positional arguments, and --schemas from the line.
  local -a args=()
  local schemas= i w
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    case $w in
      --schemas=*) schemas=${w#--schemas=} ;;
      --schemas|-s) schemas=${words[i+1]}; ((i++)) ;;
      -v|--verbose|--debug) ;;
      --*=*) ;;
      -*) _roomctl_takes_value "$w" && ((i++)) ;;
      *) args+=("$w") ;;
    esac
  done
  local -a complete=("$roomctl" __complete)
  [ -n "$schemas" ] && complete+=(--schemas "$schemas")

  case $prev in
    --file|-f|--password-file|-p) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --schemas|-s) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --access|-a) COMPREPLY=($(compgen -W "open members" -- "$cur")); return ;;
    --jid|-j|--host|--port|--pubsub|--version|--gate) return ;;
  esac

  local command=${args[0]-}
  if [ ${#args[@]} -eq 0 ]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version --verbose --debug" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "schema types describe room publish retract purge state watch" -- "$cur"))
    fi
    return
  fi
  case $command in
    room|schema)
      if [ ${#args[@]} -eq 1 ]; then
        local verbs="create delete grant show sync"
        [ "$command" = schema ] && verbs="check types describe diff gen-c export"
        COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
        return
      fi
      command="$command ${args[1]}"
      args=("$command" "${args[@]:2}") ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_roomctl_options "$command") --help" -- "$cur"))
    return
  fi
  local n=${#args[@]}   # the command itself is args[0]
  case $command in
    publish)
      if [ "$n" -eq 2 ]; then
        COMPREPLY=($(compgen -W "$("${complete[@]}" types)" -- "$cur"))
      elif [ "$n" -ge 3 ]; then
        local type=${args[2]}
        if [[ $cur == *=* ]]; then
          local field=${cur%%=*}
          COMPREPLY=($(compgen -P "$field=" -W "$("${complete[@]}" values "$type" "$field")" \
                       -- "${cur#*=}"))
        else
          COMPREPLY=($(compgen -W "$("${complete[@]}" fields "$type")" -- "$cur"))
          compopt -o nospace 2>/dev/null
        fi
      fi ;;
    describe|"schema describe")
      [ "$n" -eq 1 ] && COMPREPLY=($(compgen -W "$("${complete[@]}" types)" -- "$cur")) ;;
    retract)
      if [ "$n" -eq 2 ]; then
        COMPREPLY=($(compgen -S : -W "$("${complete[@]}" types)" -- "$cur"))
        compopt -o nospace 2>/dev/null
      fi ;;
    "schema check")
      COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
    "room grant")
      [ "$n" -eq 3 ] && COMPREPLY=($(compgen -W "moderator member none" -- "$cur")) ;;
  esac
}
complete -F _roomctl roomctl

_roomctl_daemon() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    --config|-c) COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --log-level|-l) COMPREPLY=($(compgen -W "error warning info debug" -- "$cur")); return ;;
  esac
  local opts="--config --check --help --version"
  [ "$1" = roomctl-agent ] && opts="$opts --log-level --verbose --debug --describe-plugin"
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _roomctl_daemon roomctl-agent roomctl-gate
