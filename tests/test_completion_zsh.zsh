#!/usr/bin/env zsh
# zsh completion (completion/_roomctl) in a real interactive zsh, driven
# through a pseudo-terminal (zpty): type a line, press TAB, read what the
# line became.  Skipped (77) when zsh is not installed.
# usage: test_completion_zsh.zsh ROOMCTL SCHEMA_DIR COMPLETION_DIR
emulate -L zsh
roomctl=$1 schemas=$2 dir=$3
zmodload zsh/zpty || exit 77
fail() { print -r -- "FAIL: $*"; zpty -d z 2>/dev/null; exit 1 }

zpty z "env -i HOME=/nonexistent TERM=dumb PATH=${roomctl:h}:/usr/bin:/bin ROOMCTL_SCHEMA_PATH=$schemas zsh -f -i"
zpty -w z "PS1='%% '; unsetopt zle_bracketed_paste 2>/dev/null; fpath=($dir \$fpath); autoload -U compinit; compinit -u -D; print READY"
# read_until TEXT: read the terminal until TEXT shows (10 s at most).
read_until() {
  local out all= deadline=$(( SECONDS + 10 ))
  while (( SECONDS < deadline )); do
    zpty -r -t z out && all+=$out
    [[ ${all//$'\r'/} == *$1* ]] && return 0
    sleep 0.05
  done
  fail "expected '$1', the terminal showed: ${(q)all}"
}
read_until READY
# complete LINE EXPECTED: type LINE, TAB, and see EXPECTED on the line.
complete() {
  zpty -w -n z "$1"$'\t'
  read_until "$2"
  zpty -w -n z $'\C-u'   # clear the line for the next one
}
complete "${roomctl:t} pu" "publish"
complete "${roomctl:t} publish lobby@conference.example.org ui.b" "ui.button "
complete "${roomctl:t} publish lobby@conference.example.org ui.button en" "enabled="
complete "${roomctl:t} publish lobby@conference.example.org ui.button enabled=f" "enabled=false"
complete "${roomctl:t} describe slideshow.s" "slideshow.slide"
zpty -d z
print "ok: zsh completion"
