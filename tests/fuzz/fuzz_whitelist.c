/* libFuzzer target: bytes as a postgrey whitelist file (gs_whitelist_load,
 * then matching a few fixed names, addresses and summary groups) and as a
 * greyscan ignore file (gs_ignore_load, then gs_ignore_match). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/addr.h"
#include "fuzz_common.h"
#include "summary/summary.h"
#include "advice/ignore.h"
#include "advice/whitelist.h"

static const char *const names[] = {
    "mail-x.outbound.protection.outlook.com",
    "outlook.com",
    "unknown",
    "a.b.github.io",
    "xn--bcher-kva.example",
    "",
    "[192.0.2.1]",
};
static const char *const nets[] = {
    "[192.0.2.0/24]",
    "[2001:db8::/64]",
    "[0.0.0.0/0]",
    "[::/0]",
};

static void match_groups(const struct gs_whitelist *wl)
{
	char *examples[] = {"mail-a.outlook.com", "unknown", "mx.example.org"};
	struct gs_group_stats g = {0};
	struct gs_wl_hit hit;
	struct gs_addr net;
	unsigned prefix, i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)gs_whitelist_match_name(wl, names[i], &hit);
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		if (!gs_network_group_parse(nets[i], &net, &prefix))
			continue;
		(void)gs_whitelist_match_net(wl, &net, prefix, &hit);
		g.domain = (char *)nets[i];
		g.kind = GS_KIND_NETWORK;
		g.n_examples = 2;
		g.examples[0] = examples[1];
		g.examples[1] = examples[2];
		(void)gs_whitelist_covers(wl, &g, &hit);
	}
	g.domain = "outlook.com";
	g.kind = GS_KIND_NAME;
	g.n_examples = 1;
	g.examples[0] = examples[0];
	(void)gs_whitelist_covers(wl, &g, &hit);
	g.n_examples = 0;
	(void)gs_whitelist_covers(wl, &g, &hit);
	(void)gs_whitelist_match_failures(wl, &hit);
}

static void as_whitelist(const char *path)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	char err[512];

	if (wl == NULL)
		abort();
	/* Entries added before a failure stay and are matched too. */
	(void)gs_whitelist_load(wl, path, err, sizeof(err));
	(void)gs_whitelist_first_warning(wl);
	match_groups(wl);
	gs_whitelist_free(wl);
}

static void as_ignore(const char *path)
{
	struct gs_ignore *ig = gs_ignore_new();
	struct gs_wl_hit hit;
	char err[512];
	unsigned i;

	if (ig == NULL)
		abort();
	(void)gs_ignore_load(ig, path, false, err, sizeof(err));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)gs_ignore_match(ig, names[i], &hit);
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		(void)gs_ignore_match(ig, nets[i], &hit);
	gs_ignore_free(ig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_write_input(data, size);

	as_whitelist(path);
	as_ignore(path);
	return 0;
}
