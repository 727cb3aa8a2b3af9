version=2
# greyscan's liblognorm rulebase for the messages of postgrey 1.37: the text
# after "postgrey[PID]: ", without leading white space.
#
# Every rule carries one tag naming the line kind; lib/parser.c maps the tag
# "action" to a decision and every other tag listed in its kind table to a
# known non-action line. A message no rule matches completely is unparsed.
#
# Written for liblognorm 2.0.6 (Debian 12): its name-value-list splits on
# white space only, and postgrey separates fields with ", " without escaping
# values, so the fields are spelled out. The order is fixed by postgrey's
# mylog_action(): action, reason, [delay], client_name, client_address,
# [sender], [recipient]; empty fields are left out.
#
# client_name (a host name or "unknown") and client_address (an IP address)
# never contain a comma, so char-to stops them exactly. sender and recipient
# may: a quoted local part such as "smith, john"@example.org. The sender
# therefore runs up to the first ", recipient=" and the recipient to the end
# of the line (a sender that itself contains ", recipient=" cannot be told
# apart: postgrey does not escape). Values are kept as logged (%% stays %%).
# lib/parser.c checks what the rules cannot say: the action/reason pair,
# delay= being a number, the client address being an IP address.

# Policy decisions. Every combination is written out: with or without
# Postfix's "QUEUEID: " prefix, with or without delay=, and with sender and
# recipient, sender only, recipient only, or neither. No user-defined types
# (type=@...): liblognorm 2.0.6 leaks memory each time one fails to match
# (fixed in 2.0.9), and merging a type's fields made a decision twice as
# slow.

# No queue id, with delay=.
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:string-to{"extradata":", recipient="}%, recipient=%recipient:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, recipient=%recipient:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:rest%

# No queue id, without delay=.
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:string-to{"extradata":", recipient="}%, recipient=%recipient:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, recipient=%recipient:rest%
rule=action:action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:rest%

# "QUEUEID: " prefix, with delay=.
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:string-to{"extradata":", recipient="}%, recipient=%recipient:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, recipient=%recipient:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, delay=%delay:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:rest%

# "QUEUEID: " prefix, without delay=.
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:string-to{"extradata":", recipient="}%, recipient=%recipient:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, sender=%sender:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:char-to{"extradata":","}%, recipient=%recipient:rest%
rule=action:%queue_id:char-to{"extradata":":"}%: action=%action:char-to{"extradata":","}%, reason=%reason:char-to{"extradata":","}%, client_name=%client_name:char-to{"extradata":","}%, client_address=%client_address:rest%

# Auto-whitelisting of a client: "NAME[ADDR]", or "ADDR" without a name.
rule=whitelisted:whitelisted: %client:rest%

# Start-up (Net::Server; "starting!" and "Server closing!" carry its own
# local time stamp, YYYY/MM/DD-HH:MM:SS).
rule=startup:Process Backgrounded
rule=startup:%logtime:word% %server:string-to{"extradata":" starting! pid("}% starting! pid(%pid:number%)
rule=startup:Binding to %socket:rest%
rule=startup:Bound to %port:rest%
rule=startup:Setting gid to %gid:rest%
rule=startup:Setting uid to %uid:rest%
rule=startup:Group Not Defined.  Defaulting to EGID %gid:rest%
rule=startup:User Not Defined.  Defaulting to EUID %uid:rest%
rule=startup:Chrooting to %dir:rest%
# Net::Server 2.013 (Debian 12's libnet-server-perl), Net/Server/Proto.pm:
# resolving the --inet host ("Resolved [localhost]:10023 to
# [127.0.0.1]:10023, IPv4" on every start of Debian's postgrey) and the
# notes that go with it.
rule=startup:Resolved %host:string-to{"extradata":" to "}% to %addr:char-to{"extradata":","}%, IPv%ipv:rest%
rule=startup:Not including resolved host %text:rest%
rule=startup:Host %host:word% resolved to IPv6 address %text:rest%
rule=startup:Determining auto-assigned port %text:rest%
# Net/Server.pm and Net/Server/Proto/TCP.pm: ports and privileges.
rule=startup:Port Not Defined.  Defaulting to %port:rest%
rule=startup:Duplicate configuration %text:rest%
rule=startup:Binding open file descriptors
rule=startup:Added new port configuration
rule=startup:Closing un-mapped port %text:rest%
rule=startup:Re-bound to previously assigned port %port:rest%
rule=startup:NOTICE: Effective UID changed, but Real UID is 0: %text:rest%

# Shutdown.
rule=shutdown:%logtime:word% Server closing!
rule=shutdown:Couldn't unlink %file:rest%
rule=shutdown:Exiting!

# SIGHUP: the whitelists are read again.
rule=hup:HUP received: reloading whitelists...

# The policy protocol went wrong (a client that is not Postfix).
rule=garbage:ignoring garbage: <%garbage:rest%
rule=request:unrecognized request type: '%request:rest%

# Perl warnings and fatal errors, routed to syslog by postgrey's handlers.
rule=warning:WARNING: %text:rest%
# Without -d, postgrey prints this warning to standard error unprefixed.
rule=warning:attribute missing: %text:rest%
rule=fatal:FATAL: %text:rest%
# Net::Server's own fatal errors (such as "Can't connect to TCP port 10023
# on 127.0.0.1 [Address already in use]") carry its time stamp and a second
# line, which rsyslog receives escaped as #012.
rule=fatal:%logtime:word% %text:string-to{"extradata":"#012  at line "}%#012  at line %line:number% in file %file:rest%
# Net::Server accepting connections (Net/Server.pm).
rule=warning:Accept failed with %text:rest%
rule=warning:Ran out of accept retries!
rule=warning:Client socket information could not be determined!

# Hourly/daily database maintenance.
rule=maintenance:cleaning up old logs...
rule=maintenance:rm %file:rest%
rule=maintenance:cleaning up old entries...
rule=maintenance:cleaning main database finished. before: %before:number%, after: %after:number%
rule=maintenance:cleaning clients database finished. before: %before:number%, after: %after:number%
rule=maintenance:correcting date for first seen in the future!
