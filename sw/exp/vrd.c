/* vrd.c - see vrd.h. */
#include "vrd.h"

#include <math.h>
#include <string.h>

const char *const vrd_group_names[VRD_GROUPS] = {"EE", "EI", "II"};

static const char *const norm_names[] = {"grid", "vr2001", "elephant"};

int vrd_norm_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, norm_names[i]) == 0)
            return i;
    return -1;
}

const char *vrd_norm_name(vrd_norm n)
{
    return norm_names[n];
}

double vrd_norm_factor(vrd_norm n, double tau)
{
    switch (n) {
    case VRD_GRID: /* sum_{t >= max(a,b)} e^{-(t-a)/tau} e^{-(t-b)/tau} = k(a-b) / (1 - e^{-2/tau}) */
        return 1.0 / (tau * (1.0 - exp(-2.0 / tau)));
    case VRD_VR2001: /* (1/tau) int_{max(a,b)}^inf ... dt = k(a-b) / 2 */
        return 0.5;
    case VRD_ELEPHANT:
        return 1.0;
    }
    return NAN;
}

double vrd_times(const double *a, int na, const double *b, int nb, double tau, vrd_norm norm)
{
    /* One pass over the merged times. ma (mb) is sum over the a (b) spikes
     * seen so far of exp(-(now - s)/tau): each new spike pairs with all
     * earlier ones through it, so every kernel term is counted exactly once. */
    double ma = 0, mb = 0, self = 0, cross = 0, now = 0;
    int i = 0, j = 0;
    while (i < na || j < nb) {
        int take_a = j >= nb || (i < na && a[i] <= b[j]);
        double t = take_a ? a[i] : b[j];
        if (i + j > 0) {
            double decay = exp(-(t - now) / tau);
            ma *= decay;
            mb *= decay;
        }
        now = t;
        if (take_a) {
            self += 1 + 2 * ma;
            cross += mb;
            ma += 1;
            i++;
        } else {
            self += 1 + 2 * mb;
            cross += ma;
            mb += 1;
            j++;
        }
    }
    double k = self - 2 * cross;
    return sqrt(fmax(k, 0.0) * vrd_norm_factor(norm, tau));
}

void vrd_traces(const uint8_t *spk, int T, int H, double tau, double *trace)
{
    double decay = exp(-1.0 / tau);
    for (int j = 0; j < H; j++)
        trace[j] = spk[j] != 0;
    for (int t = 1; t < T; t++)
        for (int j = 0; j < H; j++)
            trace[(size_t)t * H + j] =
                trace[(size_t)(t - 1) * H + j] * decay + (spk[(size_t)t * H + j] != 0);
}

double vrd_trace_pair(const double *trace, int T, int H, int a, int b, double tau, vrd_norm norm)
{
    double sum = 0, d = 0;
    for (int t = 0; t < T; t++) {
        d = trace[(size_t)t * H + a] - trace[(size_t)t * H + b];
        sum += d * d;
    }
    /* No spikes after T-1: the difference decays as d e^{-k/tau}, k = 1, 2, ... */
    double q = exp(-2.0 / tau);
    sum += d * d * q / (1.0 - q);
    double grid_sq = sum / tau;
    return sqrt(grid_sq * vrd_norm_factor(norm, tau) / vrd_norm_factor(VRD_GRID, tau));
}

void vrd_group_sizes(int H, int n_exc, int sizes[VRD_GROUPS])
{
    int n_inh = H - n_exc;
    sizes[VRD_EE] = n_exc * (n_exc - 1) / 2;
    sizes[VRD_EI] = n_exc * n_inh;
    sizes[VRD_II] = n_inh * (n_inh - 1) / 2;
}

void vrd_raster_groups(const uint8_t *spk, int T, int H, int n_exc, double tau, vrd_norm norm,
                       double *trace, double *out[VRD_GROUPS], int n_out[VRD_GROUPS])
{
    vrd_traces(spk, T, H, tau, trace);
    for (int a = 0; a < H; a++)
        for (int b = a + 1; b < H; b++) {
            int g = b < n_exc ? VRD_EE : a >= n_exc ? VRD_II : VRD_EI;
            out[g][n_out[g]++] = vrd_trace_pair(trace, T, H, a, b, tau, norm);
        }
}
