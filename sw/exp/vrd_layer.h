/* vrd_layer.h - Van Rossum distances of a trained model's hidden layer.
 *
 * The float model runs the first samples of a data set; every pair of neurons
 * of one hidden layer is compared on each sample's raster (vrd.h), and the
 * pair distances are summarised per E-E, E-I, I-I group. Used by `snn vrd`
 * (which also writes every pair) and by the sweep (summaries before and after
 * training).
 * Not here: the distance itself (vrd.h), spike-time lists (vrd_csv.h).
 */
#ifndef SNN_VRD_LAYER_H
#define SNN_VRD_LAYER_H

#include <stdio.h>

#include "../data/dataset.h"
#include "../net/model.h"
#include "../util/error.h"
#include "stats.h"
#include "vrd.h"

typedef struct {
    double median[VRD_GROUPS], mean[VRD_GROUPS];
    stats_kw kw;    /* Kruskal-Wallis over the three groups' pair distances */
    long long pairs;
} vrd_layer_summary;

/* Hidden layer `layer` (0-based) of m on samples 0..n-1 of d. If pairs_csv is
 * not NULL, every pair goes there as "image,a,b,group,distance" rows after a
 * header line. */
int vrd_layer_measure(const snn_model *m, int layer, const spike_data *d, int n, double tau,
                      vrd_norm norm, FILE *pairs_csv, vrd_layer_summary *out, snn_error *err);

#endif
