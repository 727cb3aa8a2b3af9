# WebDriver.pm: the little of the W3C WebDriver protocol the browser tests
# use, spoken to Debian's chromedriver with Perl's core modules only
# (HTTP::Tiny, JSON::PP): start chromedriver and a headless Chromium, open
# a page, run a script in it, click, read the browser's console log, take
# a screenshot, quit. Every failure dies with what the driver said.
package WebDriver;

use strict;
use warnings;
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Time::HiRes qw(sleep);

my $json = JSON::PP->new->utf8->allow_nonref;

sub free_port {
	my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
		LocalPort => 0, Proto => "tcp") or die "no free port: $!\n";
	my $port = $s->sockport;
	close($s);
	return $port;
}

# new(work => DIR, javascript => 0|1, tz => ZONE, width => W, height => H)
sub new {
	my ($class, %o) = @_;
	my $self = bless { work => $o{work}, http => HTTP::Tiny->new(timeout => 120) },
		$class;
	$self->{port} = free_port();
	my $pid = fork();
	die "fork: $!\n" unless defined $pid;
	if ($pid == 0) {
		$ENV{TZ} = $o{tz} if defined $o{tz};
		open(STDOUT, ">>", "$o{work}/chromedriver.log") or exit 127;
		open(STDERR, ">&", \*STDOUT) or exit 127;
		exec("chromedriver", "--port=$self->{port}",
			"--log-path=$o{work}/chromedriver.verbose.log")
			or exit 127;
	}
	$self->{pid} = $pid;
	my $up = 0;
	for (1 .. 300) {
		my $r = $self->{http}->get($self->url("/status"));
		if ($r->{success}) { $up = 1; last; }
		sleep(0.1);
	}
	die "chromedriver did not start (see $o{work}/chromedriver.log)\n" unless $up;
	my @args = ("--headless=new", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=$o{work}/chromium-profile-$self->{port}",
		"--window-size=" . ($o{width} // 1280) . "," . ($o{height} // 900));
	push(@args, "--blink-settings=scriptEnabled=false") unless $o{javascript} // 1;
	my %chrome = (binary => "/usr/bin/chromium", args => \@args);
	# Below 500 px a headless window does not shrink: a phone is emulated.
	$chrome{mobileEmulation} = { deviceMetrics => { width => $o{width},
		height => $o{height} // 844, pixelRatio => 2 } }
		if ($o{width} // 1280) < 500;
	my $caps = { capabilities => { alwaysMatch => {
		browserName => "chrome",
		"goog:chromeOptions" => \%chrome,
		"goog:loggingPrefs" => { browser => "ALL" },
	} } };
	my $v = $self->call("POST", "/session", $caps);
	$self->{session} = $v->{sessionId} or die "no session id\n";
	return $self;
}

sub url {
	my ($self, $path) = @_;
	return "http://127.0.0.1:$self->{port}$path";
}

# call(METHOD, PATH, BODY): the "value" of the answer, or dies.
sub call {
	my ($self, $method, $path, $body) = @_;
	$path = "/session/$self->{session}$path" if $self->{session} && $path !~ m{^/session$};
	my $r = $self->{http}->request($method, $self->url($path), {
		headers => { "Content-Type" => "application/json" },
		defined $body ? (content => $json->encode($body)) : () });
	my $v = eval { $json->decode($r->{content}) };
	die "WebDriver $method $path: $r->{status} $r->{content}\n"
		unless $r->{success} && $v;
	return $v->{value};
}

sub open_page {
	my ($self, $file) = @_;
	$self->call("POST", "/url", { url => "file://$file" });
}

# run(JS, ARGS...): the value the script returns (its body is a function).
sub run {
	my ($self, $js, @args) = @_;
	return $self->call("POST", "/execute/sync", { script => $js, args => \@args });
}

sub click_css {
	my ($self, $css) = @_;
	my $e = $self->call("POST", "/element", { using => "css selector", value => $css });
	my ($id) = values(%$e);
	$self->call("POST", "/element/$id/click", {});
}

# The browser console's entries since the last call: [{level, message}].
sub console {
	my ($self) = @_;
	return $self->call("POST", "/se/log", { type => "browser" });
}

sub screenshot {
	my ($self, $file) = @_;
	my $png = decode_base64($self->call("GET", "/screenshot"));
	open(my $f, ">", $file) or die "$file: $!\n";
	binmode($f);
	print $f $png;
	close($f) or die "$file: $!\n";
}

sub quit {
	my ($self) = @_;
	eval { $self->call("DELETE", "", undef) } if $self->{session};
	delete $self->{session};
	if ($self->{pid}) {
		kill("TERM", $self->{pid});
		waitpid($self->{pid}, 0);
		delete $self->{pid};
	}
}

sub DESTROY { $_[0]->quit }

1;
