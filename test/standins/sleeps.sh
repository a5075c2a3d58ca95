#!/usr/bin/env bash
# Stands in for a zokrates that hangs, with a child that holds the output pipe open. Records both
# process ids in $ZOKML_STANDIN_PIDS, when the test sets it, so that it can see them end.
sleep 300 &
[ -z "${ZOKML_STANDIN_PIDS:-}" ] || echo "$$ $!" > "$ZOKML_STANDIN_PIDS"
sleep 300
