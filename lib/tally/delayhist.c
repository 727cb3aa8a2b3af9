/* The log-scale delay histogram (see delayhist.h). */
#include "gs_config.h"

#include "tally/delayhist.h"

#include <math.h>

/* Bin k holds [lower[k], lower[k + 1] - 1]: one second wide at first, then
 * hi = lo + lo / 4 <= 1.25 * lo, so that the bins are at most 25% wide. */
void gs_delayhist_init_bounds(uint32_t lower[GS_DELAYHIST_BINS])
{
	unsigned k;

	lower[0] = 0;
	for (k = 1; k < GS_DELAYHIST_BINS; k++)
		lower[k] = lower[k - 1] + lower[k - 1] / 4 + 1;
}

unsigned gs_delayhist_bin(const uint32_t lower[GS_DELAYHIST_BINS], uint32_t d)
{
	unsigned lo = 0, hi = GS_DELAYHIST_BINS - 1, mid;

	/* The last k with lower[k] <= d. */
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (lower[mid] <= d)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Highest delay of bin k, given the exact maximum of all delays. */
uint32_t gs_delayhist_bin_high(const uint32_t lower[GS_DELAYHIST_BINS],
			       unsigned k, uint32_t max_s)
{
	uint32_t hi = k + 1 < GS_DELAYHIST_BINS ? lower[k + 1] - 1 : UINT32_MAX;

	return hi < max_s ? hi : max_s;
}

/* The lower median as the geometric middle of its bin (see delayhist.h). */
uint32_t gs_delayhist_median(const uint32_t lower[GS_DELAYHIST_BINS],
			     const uint64_t bins[GS_DELAYHIST_BINS],
			     uint32_t max_s)
{
	uint64_t total = 0, seen = 0;
	double lo, hi;
	unsigned k;

	for (k = 0; k < GS_DELAYHIST_BINS; k++)
		total += bins[k];
	if (total == 0)
		return 0;
	for (k = 0; k < GS_DELAYHIST_BINS; k++) {
		seen += bins[k];
		if (seen >= (total + 1) / 2)
			break;
	}
	lo = lower[k];
	hi = gs_delayhist_bin_high(lower, k, max_s);
	if (hi < lo)
		hi = lo;
	return (uint32_t)llround(sqrt(lo * hi));
}

/* ceil(q * n / 1000) without overflow: n = 1000 a + b. */
static uint64_t quantile_rank(uint64_t n, unsigned q_permille)
{
	uint64_t r =
	    n / 1000 * q_permille + (n % 1000 * q_permille + 999) / 1000;

	return r > 0 ? r : 1;
}

/* The lower q-quantile as the geometric middle of its bin (delayhist.h). */
uint32_t gs_delayhist_quantile(const uint32_t lower[GS_DELAYHIST_BINS],
			       const uint64_t bins[GS_DELAYHIST_BINS],
			       uint32_t max_s, unsigned q_permille)
{
	uint64_t total = 0, seen = 0, rank;
	double lo, hi;
	unsigned k;

	for (k = 0; k < GS_DELAYHIST_BINS; k++)
		total += bins[k];
	if (total == 0)
		return 0;
	rank = quantile_rank(total, q_permille > 1000 ? 1000 : q_permille);
	for (k = 0; k < GS_DELAYHIST_BINS - 1; k++) {
		seen += bins[k];
		if (seen >= rank)
			break;
	}
	lo = lower[k];
	hi = gs_delayhist_bin_high(lower, k, max_s);
	if (hi < lo)
		hi = lo;
	return (uint32_t)llround(sqrt(lo * hi));
}
