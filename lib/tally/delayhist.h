/* A log-scale histogram of delays in seconds, the tally's delay record per
 * slot (described in tally.h): bin 0 holds 0 s, the first bins hold one
 * second each, and every bin [lo, hi] has hi <= 1.25 * lo, so the median
 * reported as the geometric middle of its bin is within 12% of the true one
 * below the last, open bin (which starts at about 40 days). The bin bounds
 * are computed once into an array of lower bounds that the other functions
 * take. Pure functions. */
#ifndef GS_DELAYHIST_H
#define GS_DELAYHIST_H

#include <stdint.h>

#define GS_DELAYHIST_BINS 64 /* equals GS_TALLY_HIST_BINS */

/* The delays of one slot entry. */
struct gs_delayhist {
	uint32_t max_s; /* exact maximum, seconds */
	uint32_t bins[GS_DELAYHIST_BINS];
};

/* Fills lower[k] with the lowest delay (s) of bin k. */
void gs_delayhist_init_bounds(uint32_t lower[GS_DELAYHIST_BINS]);

/* The bin that holds delay d (s). */
unsigned gs_delayhist_bin(const uint32_t lower[GS_DELAYHIST_BINS], uint32_t d);

/* The highest delay of bin k, capped at max_s (the exact maximum of all
 * delays; UINT32_MAX for the bin's own bound). */
uint32_t gs_delayhist_bin_high(const uint32_t lower[GS_DELAYHIST_BINS],
			       unsigned k, uint32_t max_s);

/* The lower median of the delays counted in bins (summed histograms, hence
 * 64-bit) as the rounded geometric middle sqrt(lo * hi) of its bin, hi
 * capped at max_s; 0 when bins are all empty. */
uint32_t gs_delayhist_median(const uint32_t lower[GS_DELAYHIST_BINS],
			     const uint64_t bins[GS_DELAYHIST_BINS],
			     uint32_t max_s);

/* The lower q-quantile, q = q_permille / 1000 (above 1000 counts as 1000),
 * of the delays counted in bins: the delay of rank ceil(q * n) (at least
 * 1) among the n delays in ascending order, reported as the rounded
 * geometric middle of its bin like gs_delayhist_median, hi capped at max_s;
 * 0 when bins are all empty. 500 gives gs_delayhist_median's value, 1000
 * the maximum's bin. Below the last, open bin the value is within 12% of
 * the true quantile before the rounding to whole seconds (sqrt(1.25) is
 * 1.118): |reported - true| <= 0.12 * true + 0.5 s. The exact maximum is
 * max_s itself, which the caller keeps. */
uint32_t gs_delayhist_quantile(const uint32_t lower[GS_DELAYHIST_BINS],
			       const uint64_t bins[GS_DELAYHIST_BINS],
			       uint32_t max_s, unsigned q_permille);

#endif
