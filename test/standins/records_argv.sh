#!/usr/bin/env bash
# Stands in for a zokrates that records what it was given: argv to argv.txt, stdin to stdin.txt
# (in its working folder's parent, which outlives the step), then fails.
printf '%s\n' "$@" > ../argv.txt
cat > ../stdin.txt
echo "recorded"
exit 1
