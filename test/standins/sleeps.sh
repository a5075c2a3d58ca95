#!/usr/bin/env bash
# Stands in for a zokrates that hangs, with a child that holds the output pipe open. Records both
# process ids in ../pids.txt (beside its working folder) so the test can see them end.
sleep 300 &
echo "$$ $!" > ../pids.txt
sleep 300
