/* cmd_vrd.c - `snn vrd`: Van Rossum distances of spike trains from a CSV file,
 * or of a model's hidden neurons on test images (grouped E-E, E-I, I-I).
 *
 * CSV input: one spike per line, "train_id,time" (time in steps or any unit
 * of tau); an optional header line; ids are any text. Output: every pair's
 * distance as CSV "a,b,distance" (to --out atomically, else stdout).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../exp/stats.h"
#include "../exp/vrd.h"
#include "../net/kernels.h"
#include "../util/atomic_file.h"
#include "../util/json.h"
#include "../util/args.h"
#include "commands.h"

typedef struct {
    char id[64];
    double *t;
    int n, cap;
} spike_train;

typedef struct {
    spike_train *tr;
    int n, cap;
} train_set;

static void trains_free(train_set *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->tr[i].t);
    free(s->tr);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads "id,time" lines; a first line whose time is not a number is a header. */
static int read_csv(const char *path, int whole_steps, train_set *s, snn_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return snn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    char line[512];
    int line_no = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line_no++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        char *comma = strchr(line, ',');
        char *end = NULL;
        double t = comma ? strtod(comma + 1, &end) : NAN;
        int numeric = comma && end != comma + 1 && strspn(end, " \t") == strlen(end);
        if (!numeric && line_no == 1)
            continue;
        if (!numeric || !isfinite(t)) {
            rc = snn_fail(err, "%s:%d: expected 'train_id,time', got '%s'", path, line_no, line);
            break;
        }
        if (whole_steps && t != floor(t)) {
            rc = snn_fail(err, "%s:%d: time %g is not a whole step (the grid normalisation "
                          "needs steps; use --norm vr2001 or elephant)", path, line_no, t);
            break;
        }
        *comma = '\0';
        size_t id_len = strlen(line);
        if (id_len >= sizeof s->tr[0].id) {
            rc = snn_fail(err, "%s:%d: train id longer than %zu characters", path, line_no,
                          sizeof s->tr[0].id - 1);
            break;
        }
        int k = 0;
        while (k < s->n && strcmp(s->tr[k].id, line) != 0)
            k++;
        if (k == s->n) {
            if (s->n == s->cap) {
                int cap = s->cap ? 2 * s->cap : 16;
                spike_train *grown = realloc(s->tr, sizeof *grown * cap);
                if (!grown) {
                    rc = snn_fail(err, "out of memory");
                    break;
                }
                s->tr = grown;
                s->cap = cap;
            }
            memset(&s->tr[k], 0, sizeof s->tr[k]);
            memcpy(s->tr[k].id, line, id_len + 1);
            s->n++;
        }
        spike_train *tr = &s->tr[k];
        if (tr->n == tr->cap) {
            int cap = tr->cap ? 2 * tr->cap : 16;
            double *grown = realloc(tr->t, sizeof *grown * cap);
            if (!grown) {
                rc = snn_fail(err, "out of memory");
                break;
            }
            tr->t = grown;
            tr->cap = cap;
        }
        tr->t[tr->n++] = t;
    }
    fclose(f);
    if (rc == 0 && s->n == 0)
        rc = snn_fail(err, "%s: no spikes", path);
    for (int i = 0; rc == 0 && i < s->n; i++)
        qsort(s->tr[i].t, s->tr[i].n, sizeof(double), cmp_double);
    return rc;
}

/* Pairs of the CSV's trains -> out; returns the mean distance via *mean. */
static int csv_pairs(const train_set *s, double tau, vrd_norm norm, FILE *out, double *mean)
{
    double sum = 0;
    long pairs = 0;
    fprintf(out, "a,b,distance\n");
    for (int a = 0; a < s->n; a++)
        for (int b = a + 1; b < s->n; b++) {
            double d = vrd_times(s->tr[a].t, s->tr[a].n, s->tr[b].t, s->tr[b].n, tau, norm);
            fprintf(out, "%s,%s,%.10g\n", s->tr[a].id, s->tr[b].id, d);
            sum += d;
            pairs++;
        }
    *mean = pairs ? sum / pairs : NAN;
    return (int)pairs;
}

/* A model's hidden rasters on n test images -> per-pair CSV and group figures. */
static int model_pairs(const snn_model *m, const spike_data *d, int n, double tau, vrd_norm norm,
                       FILE *out, double med[VRD_GROUPS], double mean[VRD_GROUPS], stats_kw *kw,
                       snn_error *err)
{
    const snn_config *c = &m->cfg;
    int sizes[VRD_GROUPS];
    vrd_group_sizes(c->n_hidden, c->n_exc, sizes);
    double *dist[VRD_GROUPS] = {0}, *trace = malloc(sizeof(double) * c->steps * c->n_hidden);
    int count[VRD_GROUPS] = {0}, ok = trace != NULL;
    for (int g = 0; g < VRD_GROUPS; g++)
        ok &= (dist[g] = malloc(sizeof(double) * ((size_t)sizes[g] * n + 1))) != NULL;
    snn_workspace ws;
    int rc = ok ? snn_workspace_alloc(&ws, c, err) : snn_fail(err, "out of memory");
    if (rc == 0) {
        fprintf(out, "image,a,b,group,distance\n");
        for (int i = 0; i < n; i++) {
            int before[VRD_GROUPS] = {count[0], count[1], count[2]};
            snn_forward(m, d, i, &ws);
            vrd_raster_groups(ws.spk, c->steps, c->n_hidden, c->n_exc, tau, norm, trace, dist, count);
            /* vrd_raster_groups visits pairs a < b in order; replay that order for the ids. */
            int k[VRD_GROUPS] = {before[0], before[1], before[2]};
            for (int a = 0; a < c->n_hidden; a++)
                for (int b = a + 1; b < c->n_hidden; b++) {
                    int g = b < c->n_exc ? VRD_EE : a >= c->n_exc ? VRD_II : VRD_EI;
                    fprintf(out, "%d,%d,%d,%s,%.10g\n", i, a, b, vrd_group_names[g], dist[g][k[g]++]);
                }
        }
        snn_workspace_free(&ws);
        const double *groups[VRD_GROUPS] = {dist[0], dist[1], dist[2]};
        *kw = stats_kruskal(groups, count, VRD_GROUPS);
        for (int g = 0; g < VRD_GROUPS; g++) {
            mean[g] = stats_mean(dist[g], count[g]);
            med[g] = stats_median(dist[g], count[g]);
        }
    }
    for (int g = 0; g < VRD_GROUPS; g++)
        free(dist[g]);
    free(trace);
    return rc;
}

int cmd_vrd(int argc, char **argv)
{
    const char *csv = NULL, *model_path = NULL, *data_dir = DEFAULT_DATA_DIR, *out_path = NULL;
    const char *norm_name = "grid";
    double tau = 1.0;
    int images = 8, as_json = 0;
    arg_spec specs[] = {
        {"--csv", ARG_STRING, &csv, 0, -1, "spike trains as CSV lines 'train_id,time'"},
        {"--model", ARG_STRING, &model_path, 0, -1, "or: a model, whose hidden rasters are compared"},
        {"--data", ARG_STRING, &data_dir, 0, -1, "Fashion-MNIST directory for --model"},
        {"--images", ARG_INT, &images, 1, 10000, "test images for --model"},
        {"--tau", ARG_DOUBLE, &tau, 1e-9, 1e9, "time constant, in the unit of the times (steps for --model)"},
        {"--norm", ARG_STRING, &norm_name, 0, -1, "grid (the paper's), vr2001 or elephant"},
        {"--out", ARG_STRING, &out_path, 0, -1, "write the pair distances here (CSV) instead of stdout"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("vrd",
                        "Van Rossum distances between spike trains (docs/experiments.md for the\n"
                        "normalisations): from a CSV of spikes, or a model's hidden neurons.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    int norm = vrd_norm_parse(norm_name);
    if (norm < 0 || (!csv) == (!model_path)) {
        fprintf(stderr, "snn vrd: %s\n", norm < 0 ? "--norm must be grid, vr2001 or elephant"
                                                  : "give exactly one of --csv and --model");
        return 2;
    }
    if (!out_path && as_json) {
        fprintf(stderr, "snn vrd: --json needs --out (the pairs would bury the summary)\n");
        return 2;
    }
    snn_error err;
    atomic_file af = {0};
    FILE *out = stdout;
    if (out_path) {
        if (atomic_open(&af, out_path, &err) != 0) {
            fprintf(stderr, "snn vrd: %s\n", err.msg);
            return 1;
        }
        out = af.fp;
    }
    json_out j;
    if (csv) {
        train_set s = {0};
        rc = read_csv(csv, norm == VRD_GRID, &s, &err);
        double mean = NAN;
        int pairs = rc == 0 ? csv_pairs(&s, tau, (vrd_norm)norm, out, &mean) : 0;
        if (rc == 0 && as_json) {
            json_begin(&j, stdout);
            json_int(&j, "trains", s.n);
            json_int(&j, "pairs", pairs);
            json_num(&j, "mean_distance", mean);
            json_str(&j, "norm", norm_name);
            json_num(&j, "tau", tau);
        }
        trains_free(&s);
    } else {
        snn_model m;
        encoded_set test;
        rc = snn_model_load(model_path, &m, NULL, NULL, &err);
        if (rc == 0) {
            rc = encoded_set_load(data_dir, "t10k", images, m.cfg.steps, &test, &err);
            if (rc == 0) {
                double med[VRD_GROUPS] = {NAN, NAN, NAN}, mean[VRD_GROUPS] = {NAN, NAN, NAN};
                stats_kw kw = {NAN, NAN, NAN, 0};
                int n = images < test.spikes.n ? images : test.spikes.n;
                rc = model_pairs(&m, &test.spikes, n, tau, (vrd_norm)norm, out, med, mean, &kw, &err);
                if (rc == 0) {
                    FILE *info = out == stdout ? stderr : stdout;
                    if (!as_json)
                        for (int g = 0; g < VRD_GROUPS; g++)
                            fprintf(info, "%s: median %.4f mean %.4f\n", vrd_group_names[g], med[g],
                                    mean[g]);
                    if (!as_json)
                        fprintf(info, "Kruskal-Wallis over the groups: H = %.3f, p = %.3g\n", kw.h, kw.p);
                    if (as_json) {
                        json_begin(&j, stdout);
                        json_int(&j, "images", n);
                        for (int g = 0; g < VRD_GROUPS; g++) {
                            char k[32];
                            snprintf(k, sizeof k, "median_%s", vrd_group_names[g]);
                            json_num(&j, k, med[g]);
                            snprintf(k, sizeof k, "mean_%s", vrd_group_names[g]);
                            json_num(&j, k, mean[g]);
                        }
                        json_num(&j, "kw_h", kw.h);
                        json_num(&j, "kw_p", kw.p);
                        json_str(&j, "norm", norm_name);
                        json_num(&j, "tau", tau);
                    }
                }
                encoded_set_free(&test);
            }
            snn_model_free(&m);
        }
    }
    if (out_path) {
        if (rc == 0)
            rc = atomic_commit(&af, &err);
        else
            atomic_abort(&af);
    }
    if (rc != 0) {
        fprintf(stderr, "snn vrd: %s\n", err.msg);
        return 1;
    }
    if (as_json) {
        json_str(&j, "out", out_path);
        json_end(&j);
    }
    return 0;
}
