/* arch.h - a network's shape as text: what `--arch`, `--ratio` and `--recurrent` say.
 *
 *   arch       "128-64": hidden sizes only (input and output from the data), or
 *              "784-128-64-10": a full architecture, input to readout. A list of 3 or
 *              more sizes is full when it starts with the data's input count or ends
 *              with its class count; the caller then checks the data against it.
 *   ratio      "0.8" for every hidden layer, or "0.8,0.5" one per layer, each in [0, 1]
 *              (the first round(size ratio) neurons of a layer are excitatory).
 *   recurrent  NULL or "" (none), "all" (every hidden layer), or a 0/1 for every layer
 *              ("1") or one per layer ("0,1").
 * Not here: option parsing (cli/), the model itself (model.h).
 */
#ifndef SNN_ARCH_H
#define SNN_ARCH_H

#include <stddef.h>

#include "model.h"

/* Sets c's n_in, n_out, n_layers and layers from the text; every layer takes
 * layer[0]'s constants (alpha, beta, threshold) as c has them on entry, and the
 * other fields of c are kept. n_in and n_out are the data's; a full arch sets
 * its own (check the data against c). Errors name the option (--arch, --ratio,
 * --recurrent) and the value. */
int snn_config_from_text(snn_config *c, const char *arch, const char *ratio,
                         const char *recurrent, int n_in, int n_out, snn_error *err);

/* "784-128r-64r-10": the sizes from input to readout, 'r' after a recurrent layer. */
void snn_arch_format(const snn_config *c, char *buf, size_t cap);
/* "80:20" per layer, comma-separated: "102:26,51:13". */
void snn_ei_format(const snn_config *c, char *buf, size_t cap);

#endif
