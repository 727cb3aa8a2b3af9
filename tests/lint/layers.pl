#!/usr/bin/perl
# tests/lint/layers.pl SRCDIR BUILDDIR: checks lib/'s layers (see
# tests/lint/layers.sh, which runs it, and lib/README.md, whose table it
# reads). Prints every finding; exit 0 clean, 1 findings, 99 when it cannot
# check (no table, a source file not built, nm failing).
use strict;
use warnings;

my ($src, $build) = @ARGV;
die "usage: layers.pl SRCDIR BUILDDIR\n" unless defined $build;
my $nm = $ENV{NM} || 'nm';
my @findings;

sub hard { print STDERR "ERROR: layers.pl: @_\n"; exit 99; }

# The table of lib/README.md: `layer` | what it holds | may include.
sub read_table {
	my $file = "$src/lib/README.md";
	open(my $f, '<', $file) or hard("$file: $!");
	my %allowed;
	while (my $line = <$f>) {
		next unless $line =~ /^\|\s*`([a-z_]+)`\s*\|.*\|\s*([^|]*?)\s*\|\s*$/;
		my ($layer, $may) = ($1, $2);
		hard("$file:$.: layer $layer listed twice") if $allowed{$layer};
		$allowed{$layer} = { map { ($_ => 1) } grep { $_ ne '-' }
			split(/[\s,]+/, $may) };
	}
	close($f);
	hard("$file: no layer table (| `layer` | ... | may include |)")
	    unless %allowed;
	for my $l (sort keys %allowed) {
		for my $m (sort keys %{$allowed{$l}}) {
			hard("$file: layer $l may include $m, which has no row")
			    unless $allowed{$m};
		}
	}
	return \%allowed;
}

# lib/LAYER/FILE for every .c and .h below lib/, one folder deep.
sub lib_files {
	opendir(my $d, "$src/lib") or hard("$src/lib: $!");
	my @layers = sort grep { !/^\./ && -d "$src/lib/$_" } readdir($d);
	closedir($d);
	my @files;
	for my $l (@layers) {
		opendir(my $ld, "$src/lib/$l") or hard("$src/lib/$l: $!");
		push @files, map { "lib/$l/$_" } sort grep { /\.[ch]$/ } readdir($ld);
		closedir($ld);
	}
	return @files;
}

sub layer_of { return $_[0] =~ m{^lib/([^/]+)/} ? $1 : undef; }

# (a) Every include of a layer's header names its own layer or one below.
sub check_includes {
	my ($allowed, @files) = @_;
	my %seen_layer;
	for my $file (@files) {
		my $l = layer_of($file);
		unless ($allowed->{$l}) {
			push @findings, "lib/$l/ has no row in lib/README.md's table"
			    unless $seen_layer{$l}++;
			next;
		}
		open(my $f, '<', "$src/$file") or hard("$src/$file: $!");
		while (my $line = <$f>) {
			next unless $line =~ /^\s*#\s*include\s*([<"])([^>"]+)[>"]/;
			my ($q, $inc) = ($1, $2);
			my $why = include_problem($allowed, $l, $q, $inc);
			my $c = $q eq '<' ? '>' : '"';
			push @findings, "$file:$.: #include $q$inc$c: $why" if $why;
		}
		close($f);
	}
}

sub include_problem {
	my ($allowed, $l, $q, $inc) = @_;
	if ($inc =~ m{^([^/]+)/}) {
		my $to = $1;
		if ($allowed->{$to}) {
			return undef if $to eq $l || $allowed->{$l}{$to};
			my $may = join(' ', sort keys %{$allowed->{$l}}) || 'none';
			return "layer $l may include only its own and: $may";
		}
		return undef if $q eq '<';	# <sys/stat.h>, <libfastjson/json.h>
		return "not a layer's header (\"layer/file.h\")";
	}
	return undef if $q eq '<' || $inc eq 'gs_config.h';
	return undef if -f "$src/lib/$l/$inc";
	return "no such header in lib/$l/";
}

# The object of lib/L/NAME.c in the build tree: the PIC object libtool's
# NAME.lo names (lib/L/.libs/TARGET_la-NAME.o), else the one beside it.
sub object_of {
	my ($file) = @_;
	my ($dir, $name) = $file =~ m{^(lib/[^/]+)/(.*)\.c$};
	opendir(my $d, "$build/$dir") or hard("$build/$dir: $! (not built?)");
	my @lo = grep { /^(?:.*_la-)?\Q$name\E\.lo$/ } readdir($d);
	closedir($d);
	@lo = grep { /^libgreyscan_la-/ } @lo if @lo > 1;
	hard("no libtool object for $file in $build/$dir (not built?)")
	    unless @lo == 1;
	open(my $f, '<', "$build/$dir/$lo[0]") or hard("$build/$dir/$lo[0]: $!");
	my %o;
	while (<$f>) { $o{$1} = $2 if /^(pic_object|non_pic_object)='(.*)'$/; }
	close($f);
	for my $k ('pic_object', 'non_pic_object') {
		my $o = $o{$k};
		return "$build/$dir/$o" if defined $o && $o ne 'none'
		    && -f "$build/$dir/$o";
	}
	hard("$build/$dir/$lo[0] names no object file that exists");
}

# FILE => {defined => [symbols], undefined => [symbols]}, from nm -P.
sub symbols {
	my ($obj) = @_;
	open(my $p, '-|', $nm, '-P', '-g', $obj) or hard("$nm $obj: $!");
	my (@def, @undef);
	while (<$p>) {
		my ($sym, $type) = split;
		next unless defined $type;
		if ($type =~ /^[Uwv]$/) { push @undef, $sym; }
		else { push @def, $sym; }
	}
	close($p) or hard("$nm -P -g $obj failed");
	return { defined => \@def, undefined => \@undef };
}

# (b) The file-to-file graph of calls (and other references): FILE uses a
# symbol another file defines.
sub call_graph {
	my @c = @_;
	my (%sym, %def);
	for my $file (@c) {
		$sym{$file} = symbols(object_of($file));
		$def{$_} //= $file for @{$sym{$file}{defined}};
	}
	my %edge;	# FROM => {TO => [symbols]}
	for my $file (@c) {
		for my $s (@{$sym{$file}{undefined}}) {
			my $to = $def{$s};
			push @{$edge{$file}{$to}}, $s if defined $to && $to ne $file;
		}
	}
	return \%edge;
}

# Tarjan's strongly connected components; those of two or more files hold
# the circles.
sub components {
	my ($edge, @nodes) = @_;
	my ($index, @stack, %on, %idx, %low, @comps) = (0);
	my $visit;
	$visit = sub {
		my ($v) = @_;
		$idx{$v} = $low{$v} = $index++;
		push @stack, $v;
		$on{$v} = 1;
		for my $w (sort keys %{$edge->{$v} || {}}) {
			if (!defined $idx{$w}) {
				$visit->($w);
				$low{$v} = $low{$w} if $low{$w} < $low{$v};
			} elsif ($on{$w} && $idx{$w} < $low{$v}) {
				$low{$v} = $idx{$w};
			}
		}
		return unless $low{$v} == $idx{$v};
		my @c;
		while (1) {
			my $w = pop @stack;
			$on{$w} = 0;
			push @c, $w;
			last if $w eq $v;
		}
		push @comps, [sort @c] if @c > 1;
	};
	for my $v (@nodes) { $visit->($v) unless defined $idx{$v}; }
	return @comps;
}

# The shortest circle through the component's first file, as
# "A -> B (symbols A uses of B) -> ... -> A (...)".
sub circle {
	my ($edge, $comp) = @_;
	my %in = map { ($_ => 1) } @$comp;
	my $start = $comp->[0];
	my %prev = ($start => undef);
	my @queue = ($start);
	my $last;
	while (defined(my $v = shift @queue)) {
		for my $w (sort keys %{$edge->{$v} || {}}) {
			next unless $in{$w};
			if ($w eq $start) { $last = $v; last; }
			next if exists $prev{$w};
			$prev{$w} = $v;
			push @queue, $w;
		}
		last if defined $last;
	}
	my @path = ($start);
	for (my $v = $last; $v ne $start; $v = $prev{$v}) { unshift @path, $v; }
	unshift @path, $start;
	my $text = $path[0];
	for my $i (1 .. $#path) {
		my @s = sort @{$edge->{$path[$i - 1]}{$path[$i]}};
		$text .= "\n    -> $path[$i] (uses " . join(', ', @s) . ")";
	}
	return $text;
}

my $allowed = read_table();
my @files = lib_files();
check_includes($allowed, @files);
my @c = grep { /\.c$/ } @files;
my $edge = call_graph(@c);
my @comps = components($edge, @c);
for my $comp (@comps) {
	push @findings, "files calling each other in a circle: "
	    . circle($edge, $comp);
}
my $n_edges = 0;
$n_edges += keys %{$edge->{$_}} for keys %$edge;
if (@findings) {
	print "FINDING: $_\n" for @findings;
	exit 1;
}
printf "%d files in %d layers: includes follow lib/README.md, "
    . "%d references between %d objects, no circle\n",
    scalar(@files), scalar(keys %$allowed), $n_edges, scalar(@c);
exit 0;
