/* vrd.h - the Van Rossum distance between spike trains, exact.
 *
 * A spike train is filtered with the causal kernel exp(-t/tau); the distance
 * is the L2 norm of the difference of two filtered trains. Three
 * normalisations are in use and they differ only by a constant factor
 * (derivation in docs/experiments.md, "Van Rossum distance"):
 *   VRD_GRID      the paper's: on the 1-step time grid, D^2 = sum_t (f[t]-g[t])^2 / tau,
 *                 t running to infinity (one spike vs none, tau = 1: 1.07542);
 *   VRD_VR2001    van Rossum (2001) in continuous time, D^2 = (1/tau) int (f-g)^2 dt
 *                 (one spike vs none: 1/sqrt(2));
 *   VRD_ELEPHANT  Elephant's van_rossum_distance, twice VR2001's square,
 *                 D^2 = sum_ij k(a_i-a_j) + sum_ij k(b_i-b_j) - 2 sum_ij k(a_i-b_j),
 *                 k(x) = exp(-|x|/tau) (one spike vs none: 1).
 * Rasters (the hidden layer of one sample) use the recursive filter with a
 * closed-form tail past the last step, O(T) per pair. Spike-time lists use
 * the Houghton-Kreuz recursion on sorted times, O(n + m) per pair.
 * Not here: which pairs to compare or how to summarise them (sweep.c, cmd_vrd.c).
 */
#ifndef SNN_VRD_H
#define SNN_VRD_H

#include <stdint.h>

#include "../util/error.h"

typedef enum { VRD_GRID, VRD_VR2001, VRD_ELEPHANT } vrd_norm;

/* "grid", "vr2001", "elephant" -> the enum; -1 for anything else. */
int vrd_norm_parse(const char *name);
const char *vrd_norm_name(vrd_norm n);

/* D^2 / K for the normalisation, where K is the kernel sum of the
 * VRD_ELEPHANT formula above. Valid for spike times on the integer grid
 * (VRD_GRID) or anywhere (the other two). */
double vrd_norm_factor(vrd_norm n, double tau);

/* Distance between two sorted lists of spike times (any real times; VRD_GRID
 * assumes whole-number steps). Exact, O(na + nb). */
double vrd_times(const double *a, int na, const double *b, int nb, double tau, vrd_norm norm);

/* Filtered traces of a raster: spk is (T, H) bytes (row t, neuron j at
 * spk[t*H + j], non-zero = spike); trace receives (T, H) doubles with
 * trace[t][j] = sum over spikes s <= t of exp(-(t - s)/tau). */
void vrd_traces(const uint8_t *spk, int T, int H, double tau, double *trace);

/* VRD_GRID distance of neurons a and b from their traces (T, H): the sum over
 * the T steps plus the closed-form geometric tail after step T-1, scaled to
 * `norm`. O(T). */
double vrd_trace_pair(const double *trace, int T, int H, int a, int b, double tau, vrd_norm norm);

/* Pair groups of an E/I layer: neurons 0..n_exc-1 are E, the rest I. */
enum { VRD_EE, VRD_EI, VRD_II, VRD_GROUPS };
extern const char *const vrd_group_names[VRD_GROUPS]; /* "EE", "EI", "II" */

/* Every pair distance of one raster, appended to the per-group arrays
 * out[g] (capacity checked: each must have room for its group's pairs;
 * n_out[g] is advanced). trace is scratch of T*H doubles. */
void vrd_raster_groups(const uint8_t *spk, int T, int H, int n_exc, double tau, vrd_norm norm,
                       double *trace, double *out[VRD_GROUPS], int n_out[VRD_GROUPS]);

/* Number of pairs of each group in a layer of H neurons, n_exc of them E. */
void vrd_group_sizes(int H, int n_exc, int sizes[VRD_GROUPS]);

#endif
