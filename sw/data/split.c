/* split.c - see split.h. */
#include "split.h"

int spike_data_split_tail(const spike_data *all, int n_val, const char *what, spike_data *train,
                          spike_data *val, snn_error *err)
{
    if (n_val < 0 || n_val >= all->n)
        return snn_fail(err, "%s: cannot hold out %d validation samples of %d training samples "
                        "(at least one must remain to train on)", what, n_val, all->n);
    int n_train = all->n - n_val;
    *train = *all;
    train->n = n_train;
    train->owns_labels = 0;
    *val = *all;
    val->n = n_val;
    val->owns_labels = 0;
    /* step_start holds absolute offsets into events: the view keeps the same events. */
    val->step_start = all->step_start + (size_t)n_train * (all->steps + 1);
    val->labels = all->labels + n_train;
    return 0;
}
