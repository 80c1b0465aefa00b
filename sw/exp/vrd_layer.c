/* vrd_layer.c - see vrd_layer.h. */
#include "vrd_layer.h"

#include <stdlib.h>

#include "../net/kernels.h"

/* The pairs of one sample, in the order vrd_raster_groups appended them (a < b). */
static void write_pairs(FILE *csv, int image, int size, int n_exc, double *const dist[VRD_GROUPS],
                        const int first[VRD_GROUPS])
{
    int k[VRD_GROUPS] = {first[0], first[1], first[2]};
    for (int a = 0; a < size; a++)
        for (int b = a + 1; b < size; b++) {
            int g = b < n_exc ? VRD_EE : a >= n_exc ? VRD_II : VRD_EI;
            fprintf(csv, "%d,%d,%d,%s,%.10g\n", image, a, b, vrd_group_names[g], dist[g][k[g]++]);
        }
}

int vrd_layer_measure(const snn_model *m, int layer, const spike_data *d, int n, double tau,
                      vrd_norm norm, FILE *pairs_csv, vrd_layer_summary *out, snn_error *err)
{
    const snn_config *c = &m->cfg;
    if (layer < 0 || layer >= c->n_layers)
        return snn_fail(err, "hidden layer %d: the model has %d", layer + 1, c->n_layers);
    if (n > d->n)
        n = d->n;
    const int size = c->layer[layer].size, n_exc = c->layer[layer].n_exc;
    int sizes[VRD_GROUPS];
    vrd_group_sizes(size, n_exc, sizes);
    double *dist[VRD_GROUPS] = {0}, *trace = malloc(sizeof(double) * c->steps * size);
    int count[VRD_GROUPS] = {0}, ok = trace != NULL;
    for (int g = 0; g < VRD_GROUPS; g++)
        ok &= (dist[g] = malloc(sizeof(double) * ((size_t)sizes[g] * n + 1))) != NULL;
    snn_workspace ws;
    int rc = ok ? snn_workspace_alloc(&ws, c, err) : snn_fail(err, "out of memory for the VRD pairs");
    if (rc == 0) {
        if (pairs_csv)
            fprintf(pairs_csv, "image,a,b,group,distance\n");
        for (int i = 0; i < n; i++) {
            int first[VRD_GROUPS] = {count[0], count[1], count[2]};
            snn_forward(m, d, i, &ws);
            vrd_raster_groups(ws.layer[layer].spk, c->steps, size, n_exc, tau, norm, trace, dist,
                              count);
            if (pairs_csv)
                write_pairs(pairs_csv, i, size, n_exc, dist, first);
        }
        snn_workspace_free(&ws);
        const double *groups[VRD_GROUPS] = {dist[0], dist[1], dist[2]};
        out->kw = stats_kruskal(groups, count, VRD_GROUPS);
        out->pairs = 0;
        for (int g = 0; g < VRD_GROUPS; g++) {
            out->mean[g] = stats_mean(dist[g], count[g]);
            out->median[g] = stats_median(dist[g], count[g]);
            out->pairs += count[g];
        }
    }
    for (int g = 0; g < VRD_GROUPS; g++)
        free(dist[g]);
    free(trace);
    return rc;
}
