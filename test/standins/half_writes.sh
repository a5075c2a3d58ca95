#!/usr/bin/env bash
# Stands in for a zokrates that writes part of its outputs, then fails.
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = "-o" ]; then j=$((i + 1)); echo "partial" > "${!j}"; fi
done
echo "Error: disk quota exceeded"
exit 1
