/* test_train.c - properties of training, for the paper's one-layer network and a
 * deep recurrent one: Dale's law on every matrix after every update (noise on),
 * bit-identical weights whatever the thread count, bit-identical resume, and
 * learning a toy task; the validation split and its best epoch, carried by the
 * training state. */
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/data/split.h"
#include "../sw/train/train.h"

enum { NI = 60, NH = 20, NK = 4, NT = 30, NS = 512 };

/* A learnable toy task: class c makes inputs [15c, 15c + 15) fire more often. */
static void make_data(spike_data *d, unsigned seed)
{
    snn_rng rng;
    snn_rng_seed(&rng, seed, 3);
    static uint32_t ev_sample[NS * NT * NI / 4];
    static uint16_t ev_step[NS * NT * NI / 4], ev_input[NS * NT * NI / 4];
    uint8_t *labels = malloc(NS);
    size_t n = 0;
    for (int s = 0; s < NS; s++) {
        labels[s] = (uint8_t)(s % NK);
        for (int t = 0; t < NT; t++)
            for (int i = 0; i < NI; i++) {
                double p = i / 15 == labels[s] ? 0.15 : 0.03;
                if (snn_rng_uniform(&rng) < p && n < sizeof ev_step / sizeof ev_step[0]) {
                    ev_sample[n] = (uint32_t)s, ev_step[n] = (uint16_t)t, ev_input[n] = (uint16_t)i;
                    n++;
                }
            }
    }
    assert_int_equal(spike_data_from_events(NS, NI, NT, NK, labels, n, ev_sample, ev_step,
                                            ev_input, d, NULL), 0);
}

/* The one-layer network (deep = 0), or 60 -> 24 (recurrent, 80:20) -> 12 (recurrent,
 * 50:50) -> 4 (deep = 1). */
static void make_model(snn_model *m, int deep)
{
    snn_config c = snn_default_config();
    c.n_in = NI, c.layer[0].size = NH, c.n_out = NK, c.steps = NT, c.layer[0].n_exc = 16;
    if (deep) {
        c.n_layers = 2;
        c.layer[0].size = 24, c.layer[0].n_exc = 19, c.layer[0].recurrent = 1;
        c.layer[1] = c.layer[0];
        c.layer[1].size = 12, c.layer[1].n_exc = 6;
    }
    assert_int_equal(snn_model_alloc(m, &c, NULL), 0);
    snn_rng rng;
    snn_rng_seed(&rng, 42, 0);
    snn_model_init(m, 0.02, &rng);
}

static snn_train_options options(int threads)
{
    snn_train_options o = snn_default_train_options();
    o.batch = 64;
    o.lr = 0.01;
    o.threads = threads;
    o.seed = 9;
    o.noise = 0.002;
    return o;
}

static int dale_violations;

/* Weights on the wrong side of zero in a (rows, cols) matrix leaving layer l (-1: input). */
static int wrong_signs(const snn_model *m, const float *w, int l, int rows, int cols)
{
    int n = 0;
    for (int i = 0; i < rows * cols; i++)
        n += (l < 0 ? 1 : snn_neuron_sign(&m->cfg, l, i / cols)) * w[i] < 0;
    return n;
}

/* Zero weights of every matrix. */
static int zeros(const snn_model *m)
{
    int n = 0;
    for (size_t i = 0; i < snn_model_weight_count(&m->cfg); i++)
        n += snn_model_weights(m)[i] == 0;
    return n;
}

static void check_dale(int done, int total, void *ctx)
{
    (void)done, (void)total;
    const snn_model *m = ctx;
    const snn_config *c = &m->cfg;
    for (int l = 0; l <= c->n_layers; l++)
        dale_violations += wrong_signs(m, m->ff[l], l - 1, snn_ff_rows(c, l), snn_ff_cols(c, l));
    for (int l = 0; l < c->n_layers; l++)
        if (m->rec[l])
            dale_violations += wrong_signs(m, m->rec[l], l, c->layer[l].size, c->layer[l].size);
}

static void test_dale_holds_after_every_update_with_noise(void **state)
{
    (void)state;
    spike_data d;
    make_data(&d, 1);
    for (int deep = 0; deep <= 1; deep++) {
        snn_model m;
        make_model(&m, deep);
        snn_train_options o = options(2);
        o.noise = 0.05; /* large enough to push weights across zero */
        o.progress = check_dale;
        o.progress_ctx = &m;
        snn_trainer *t = snn_trainer_new(&m, &o, NULL);
        snn_epoch_stats s;
        dale_violations = 0;
        int zeros_before = zeros(&m);
        assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, NULL), 0);
        assert_int_equal(dale_violations, 0);
        assert_true(zeros(&m) > zeros_before); /* the clip really acted */
        /* ... on the recurrent matrices too: noise of 0.05 flips many of their weights */
        for (int l = 0; deep && l < m.cfg.n_layers; l++) {
            int n = m.cfg.layer[l].size, z = 0;
            for (int i = 0; i < n * n; i++)
                z += m.rec[l][i] == 0;
            assert_true(z > n);
        }
        snn_trainer_free(t);
        snn_model_free(&m);
    }
    spike_data_free(&d);
}

static void train_epochs(int threads, int epochs, int deep, snn_model *m, spike_data *d)
{
    make_model(m, deep);
    snn_train_options o = options(threads);
    o.optimizer = deep ? OPT_ADAM : OPT_SGD; /* the deep net: Adam's moments too */
    o.lr = deep ? 0.002 : o.lr;
    snn_trainer *t = snn_trainer_new(m, &o, NULL);
    snn_epoch_stats s;
    for (int e = 0; e < epochs; e++)
        assert_int_equal(snn_trainer_epoch(t, d, d, &s, NULL), 0);
    snn_trainer_free(t);
}

static void assert_same_weights(const snn_model *a, const snn_model *b)
{
    assert_memory_equal(&a->cfg, &b->cfg, sizeof a->cfg);
    assert_memory_equal(snn_model_weights(a), snn_model_weights(b),
                        sizeof(float) * snn_model_weight_count(&a->cfg));
}

static void test_same_seed_same_weights_with_1_and_2_threads(void **state)
{
    (void)state;
    spike_data d;
    make_data(&d, 2);
    for (int deep = 0; deep <= 1; deep++) {
        snn_model one, two, init;
        train_epochs(1, 1, deep, &one, &d);
        train_epochs(2, 1, deep, &two, &d);
        make_model(&init, deep);
        assert_same_weights(&one, &two);
        for (int l = 0; l <= one.cfg.n_layers; l++) /* every matrix trained */
            assert_memory_not_equal(one.ff[l], init.ff[l], sizeof(float) * snn_ff_rows(&one.cfg, l) *
                                                               snn_ff_cols(&one.cfg, l));
        for (int l = 0; deep && l < one.cfg.n_layers; l++)
            assert_memory_not_equal(one.rec[l], init.rec[l],
                                    sizeof(float) * one.cfg.layer[l].size * one.cfg.layer[l].size);
        snn_model_free(&one), snn_model_free(&two), snn_model_free(&init);
    }
    spike_data_free(&d);
}

static void test_resume_is_bit_identical(void **state)
{
    (void)state;
    spike_data d;
    make_data(&d, 3);
    for (int run = 0; run < 3; run++) {
        int adam = run > 0, deep = run == 2;
        snn_model straight, resumed;
        snn_train_options o = options(2);
        o.optimizer = adam ? OPT_ADAM : OPT_SGD;
        o.lr = adam ? 0.005 : 0.01;
        o.lr_decay_end = 0.1;
        o.epochs = 3;
        make_model(&straight, deep);
        snn_trainer *t = snn_trainer_new(&straight, &o, NULL);
        snn_epoch_stats s;
        for (int e = 0; e < 3; e++)
            assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, NULL), 0);
        snn_trainer_free(t);

        make_model(&resumed, deep);
        t = snn_trainer_new(&resumed, &o, NULL);
        assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, NULL), 0);
        void *blob;
        size_t len;
        assert_int_equal(snn_trainer_state(t, &blob, &len, NULL), 0);
        snn_trainer_free(t);
        /* A fresh trainer with different options: the state must restore them. */
        snn_train_options other = o;
        other.lr = 1.0, other.seed = 12345, other.noise = 0.5;
        t = snn_trainer_new(&resumed, &other, NULL);
        assert_int_equal(snn_trainer_restore(t, blob, len, "test", NULL), 0);
        assert_int_equal(snn_trainer_epoch_done(t), 1);
        for (int e = 1; e < 3; e++)
            assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, NULL), 0);
        free(blob);
        snn_trainer_free(t);
        assert_same_weights(&straight, &resumed);
        snn_model_free(&straight), snn_model_free(&resumed);
    }
    spike_data_free(&d);
}

static void test_training_learns_the_toy_task(void **state)
{
    (void)state;
    spike_data d;
    make_data(&d, 4);
    for (int deep = 0; deep <= 1; deep++) {
        snn_model m;
        make_model(&m, deep);
        snn_train_options o = options(2);
        o.noise = 0;
        if (deep)
            o.optimizer = OPT_ADAM, o.lr = 0.002;
        snn_trainer *t = snn_trainer_new(&m, &o, NULL);
        snn_epoch_stats s;
        double first_loss = 0;
        for (int e = 0; e < 8; e++) {
            assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, NULL), 0);
            first_loss = e == 0 ? s.loss : first_loss;
        }
        print_message("%s: loss %.3f -> %.3f, accuracy %.3f, layer rates %.1f %.1f Hz\n",
                      deep ? "deep recurrent" : "one layer", first_loss, s.loss, s.test_acc,
                      s.layer_hz[0], s.layer_hz[1]);
        /* The deep net learns more slowly (chance is 0.25): its loss must fall by half. */
        double want = deep ? 0.6 : 0.8;
        if (s.test_acc < want)
            print_error("accuracy after 8 epochs %.3f < %.1f on a separable task\n", s.test_acc,
                        want);
        assert_true(s.test_acc >= want);
        assert_true(s.loss < 0.5 * first_loss);
        for (int l = 0; l < m.cfg.n_layers; l++)
            assert_true(s.layer_hz[l] > 0.5); /* no layer went silent */
        snn_trainer_free(t);
        snn_model_free(&m);
    }
    spike_data_free(&d);
}

/* The library refuses data whose labels reach past the readout, naming the count
 * (a label of 5 on 4 readouts would index past the logits). */
static void test_labels_past_the_readout_are_refused(void **state)
{
    (void)state;
    spike_data d;
    make_data(&d, 4);
    d.n_classes = NK + 1;
    snn_model m;
    make_model(&m, 0);
    snn_train_options o = options(1);
    snn_trainer *t = snn_trainer_new(&m, &o, NULL);
    snn_epoch_stats s;
    snn_eval_stats e;
    snn_error err;
    assert_int_equal(snn_trainer_epoch(t, &d, &d, &s, &err), -1);
    assert_non_null(strstr(err.msg, "training data have 5 classes, the model 4 readouts"));
    assert_int_equal(snn_evaluate(&m, &d, 1, &e, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "data have 5 classes, the model 4 readouts"));
    snn_trainer_free(t);
    snn_model_free(&m);
    spike_data_free(&d);
}

static void test_validation_split_views_the_tail(void **state)
{
    (void)state;
    spike_data d, fit, val;
    make_data(&d, 5);
    snn_error err;
    assert_int_equal(spike_data_split_tail(&d, 100, "toy", &fit, &val, NULL), 0);
    assert_int_equal(fit.n, NS - 100);
    assert_int_equal(val.n, 100);
    for (int s = 0; s < 100; s++) { /* sample s of val is sample NS - 100 + s of d */
        assert_int_equal(val.labels[s], d.labels[NS - 100 + s]);
        assert_int_equal(spike_data_count(&val, s), spike_data_count(&d, NS - 100 + s));
        assert_memory_equal(val.events + val.step_start[s * (NT + 1)],
                            d.events + d.step_start[(NS - 100 + s) * (NT + 1)],
                            sizeof(uint16_t) * spike_data_count(&d, NS - 100 + s));
    }
    assert_ptr_equal(fit.step_start, d.step_start);
    assert_false(fit.owns_labels || val.owns_labels);
    assert_int_equal(spike_data_split_tail(&d, 0, "toy", &fit, &val, NULL), 0);
    assert_int_equal(fit.n, NS);
    assert_int_equal(val.n, 0);
    assert_int_equal(spike_data_split_tail(&d, NS, "toy", &fit, &val, &err), -1);
    assert_non_null(strstr(err.msg, "toy: cannot hold out 512 validation samples of 512"));
    assert_int_equal(spike_data_split_tail(&d, -1, "toy", &fit, &val, &err), -1);
    spike_data_free(&d);
}

/* The best epoch is kept against a worse one, and the training state carries
 * it (and its weights, every matrix) into a fresh trainer: one layer and deep. */
static void test_best_epoch_survives_the_training_state(void **state)
{
    (void)state;
    spike_data d, fit, val;
    make_data(&d, 6);
    assert_int_equal(spike_data_split_tail(&d, 128, "toy", &fit, &val, NULL), 0);
    for (int deep = 0; deep <= 1; deep++) {
        snn_model m, resumed, best;
        make_model(&m, deep);
        snn_train_options o = options(2);
        o.val = 128;
        snn_trainer *t = snn_trainer_new(&m, &o, NULL);
        snn_epoch_stats s;
        assert_int_equal(snn_trainer_epoch(t, &fit, &d, &s, NULL), 0);
        assert_int_equal(snn_trainer_validate(t, &val, &s, NULL), 1);
        assert_int_equal(snn_trainer_best(t)->epoch, 1);
        assert_true(snn_trainer_best(t)->val_acc == s.val_acc && s.val_acc > 0.25);
        make_model(&best, deep);
        memcpy(snn_model_weights(&best), snn_model_weights(&m),
               sizeof(float) * snn_model_weight_count(&m.cfg));
        /* A worse second epoch: every weight 0, every prediction class 0. */
        memset(snn_model_weights(&m), 0, sizeof(float) * snn_model_weight_count(&m.cfg));
        s.epoch = 2;
        assert_int_equal(snn_trainer_validate(t, &val, &s, NULL), 0);
        assert_int_equal(snn_trainer_best(t)->epoch, 1);
        void *blob;
        size_t len;
        assert_int_equal(snn_trainer_state(t, &blob, &len, NULL), 0);
        snn_trainer_free(t);

        snn_train_options back = options(2);
        assert_int_equal(snn_train_state_options(blob, len, "test", &back, NULL), 0);
        assert_int_equal(back.val, 128);
        make_model(&resumed, deep);
        t = snn_trainer_new(&resumed, &back, NULL);
        assert_int_equal(snn_trainer_restore(t, blob, len, "test", NULL), 0);
        assert_int_equal(snn_trainer_best(t)->epoch, 1);
        assert_same_weights(snn_trainer_best_model(t), &best);
        snn_trainer_free(t);
        /* A trainer without a split refuses the state of a run with one. */
        snn_error err;
        back.val = 0;
        t = snn_trainer_new(&resumed, &back, NULL);
        assert_int_equal(snn_trainer_restore(t, blob, len, "ckpt", &err), -1);
        assert_non_null(strstr(err.msg, "ckpt: checkpoint was trained with"));
        snn_trainer_free(t);
        free(blob);
        snn_model_free(&m), snn_model_free(&resumed), snn_model_free(&best);
    }
    spike_data_free(&d);
}

/* Without a split the state is version 3, as before validation existed (the
 * checkpoints of paper runs keep their bytes). */
static void test_state_without_split_is_version_3(void **state)
{
    (void)state;
    snn_model m;
    make_model(&m, 0);
    snn_train_options o = options(1);
    snn_trainer *t = snn_trainer_new(&m, &o, NULL);
    void *blob;
    size_t len;
    assert_int_equal(snn_trainer_state(t, &blob, &len, NULL), 0);
    uint32_t version;
    memcpy(&version, blob, sizeof version);
    assert_int_equal(version, 3);
    free(blob);
    snn_trainer_free(t);
    o.val = SNN_VAL_AUTO; /* unresolved: refused */
    snn_error err;
    assert_null(snn_trainer_new(&m, &o, &err));
    snn_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dale_holds_after_every_update_with_noise),
        cmocka_unit_test(test_same_seed_same_weights_with_1_and_2_threads),
        cmocka_unit_test(test_resume_is_bit_identical),
        cmocka_unit_test(test_training_learns_the_toy_task),
        cmocka_unit_test(test_labels_past_the_readout_are_refused),
        cmocka_unit_test(test_validation_split_views_the_tail),
        cmocka_unit_test(test_best_epoch_survives_the_training_state),
        cmocka_unit_test(test_state_without_split_is_version_3),
    };
    return cmocka_run_group_tests_name("train", tests, NULL, NULL);
}
