/* cli_data.c - see cli_data.h. */
#include "cli_data.h"

#include "../sw/fixed/qnet_io.h"

int cli_load_split(const char *dir, const char *split, int limit, int n_in, int n_out, int steps,
                   encoded_set *out, snn_error *err)
{
    if (encoded_set_load(dir, split, limit, steps, out, err) != 0)
        return -1;
    if (encoded_set_check(out, n_in, n_out, err) != 0) {
        encoded_set_free(out);
        return -1;
    }
    return 0;
}

int cli_load_pair(const char *dir, int limit, int test_limit, int n_in, int n_out, int steps,
                  encoded_set *train, encoded_set *test, snn_error *err)
{
    if (encoded_pair_load(dir, limit, test_limit, steps, train, test, err) != 0)
        return -1;
    if (n_in && (encoded_set_check(train, n_in, n_out, err) != 0 ||
                 encoded_set_check(test, n_in, n_out, err) != 0)) {
        encoded_set_free(train);
        encoded_set_free(test);
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
