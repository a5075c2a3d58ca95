#!/usr/bin/env bash
# Stands in for a zokrates that exits 0 but prints nothing expected and writes no files.
echo "all good, trust me"
exit 0
