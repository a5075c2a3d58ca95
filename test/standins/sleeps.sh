#!/usr/bin/env bash
# Stands in for a zokrates that hangs (and starts a child that holds the output pipe open).
sleep 300 &
sleep 300
