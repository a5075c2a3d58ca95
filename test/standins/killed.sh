#!/usr/bin/env bash
# Stands in for a zokrates killed by the kernel (as the OOM killer does): SIGKILL, exit 137.
echo "Computing witness..."
kill -9 $$
