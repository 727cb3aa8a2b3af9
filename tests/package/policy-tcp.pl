#!/usr/bin/perl
# policy-tcp.pl: sends Postfix policy delegation requests to a postgrey on
# TCP and prints each answer's action, one line per request.
#
#   policy-tcp.pl HOST PORT < REQUESTS
#
# REQUESTS: one request a line, "client_name client_address sender
# recipient" separated by white space. Exits 1 when the connection fails or
# an answer is not "action=...".
use strict;
use warnings;
use IO::Socket::INET;

my ($host, $port) = @ARGV;
die "usage: policy-tcp.pl HOST PORT < REQUESTS\n" unless defined $port;
my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
	Proto => 'tcp', Timeout => 10)
  or die "policy-tcp.pl: connect to $host:$port: $!\n";
while (my $line = <STDIN>) {
	my ($name, $addr, $sender, $rcpt) = split ' ', $line;
	next unless defined $rcpt;
	print $s "request=smtpd_access_policy\nprotocol_state=RCPT\n",
	  "client_name=$name\nclient_address=$addr\nsender=$sender\n",
	  "recipient=$rcpt\n\n";
	my $answer = <$s>;
	die "policy-tcp.pl: no answer to $name\n" unless defined $answer;
	my $empty = <$s>;
	$answer =~ s/\r?\n\z//;
	die "policy-tcp.pl: unexpected answer '$answer'\n"
	  unless $answer =~ s/^action=//;
	print "$answer\n";
}
close($s) or die "policy-tcp.pl: close: $!\n";
