/* cli_data.c - see cli_data.h. */
#include "cli_data.h"

#include <stdio.h>

#include "../sw/fixed/qnet_io.h"

int cli_load_split(const char *dir, const char *split, int limit, int n_in, int n_out, int steps,
                   encoded_set *out, snn_error *err)
{
    if (encoded_set_load(dir, split, limit, steps, out, err) != 0)
        return -1;
    char what[1100];
    snprintf(what, sizeof what, "%s (%s images and labels)", dir, split);
    if (spike_data_check_shape(&out->spikes, n_in, n_out, what, err) != 0) {
        encoded_set_free(out);
        return -1;
    }
    return 0;
}

int cli_load_qnet_test(const cli_data *d, qnet *q, encoded_set *test, snn_error *err)
{
    if (qnet_load(d->model, q, err) != 0)
        return -1;
    if (cli_load_split(d->dir, "t10k", d->limit, q->n_in, q->n_out, q->steps, test, err) != 0) {
        qnet_free(q);
        return -1;
    }
    return 0;
}

int cli_load_model_test(const cli_data *d, snn_model *m, encoded_set *test, snn_error *err)
{
    if (snn_model_load(d->model, m, NULL, NULL, err) != 0)
        return -1;
    if (cli_load_split(d->dir, "t10k", d->limit, m->cfg.n_in, m->cfg.n_out, m->cfg.steps, test,
                       err) != 0) {
        snn_model_free(m);
        return -1;
    }
    return 0;
}
