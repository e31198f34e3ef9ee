#!/bin/sh
# Oracle: dpkg --compare-versions on "A<TAB>B" lines from stdin; prints -1, 0 or 1 per line.
while IFS="$(printf '\t')" read -r a b; do
  if dpkg --compare-versions "$a" lt "$b"; then echo -1
  elif dpkg --compare-versions "$a" eq "$b"; then echo 0
  else echo 1
  fi
done
