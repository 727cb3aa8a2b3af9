#!/bin/sh
# forward-relp.sh: as forward-tcp.sh (which states what
# decides pass/fail), but the sender uses the shipped sender-relp.conf:
# omrelp on the sender, imrelp on the central server.
GS_FORWARD=relp
export GS_FORWARD
exec "${SHELL:-/bin/sh}" \
	"${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/rsyslog/forward-tcp.sh"
