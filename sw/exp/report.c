/* report.c - see report.h. */
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../net/kernels.h"
#include "../util/atomic_file.h"
#include "../util/bytes.h"
#include "jsonl.h"
#include "plot.h"
#include "stats.h"
#include "sweep.h"
#include "vrd.h"

/* The paper's published figures (docs/reference-model.md, last section). */
#define PAPER_TRAINED_ACC "> 80%"
#define PAPER_UNBOUNDED_ACC 0.86
#define PAPER_VRD_EE 0.89
#define PAPER_VRD_EI 1.03
#define PAPER_VRD_II 1.10
static const struct {
    double ratio, fraction;
} paper_trained_fraction[] = {{0.5, 0.23}, {0.8, 0.28}, {0.95, 0.36}};

/* ---- loading ---- */

static int grow_runs(report_runs *runs)
{
    if (runs->n < runs->cap)
        return 0;
    int cap = runs->cap ? 2 * runs->cap : 128;
    report_run *grown = realloc(runs->r, sizeof *grown * cap);
    if (!grown)
        return -1;
    runs->r = grown;
    runs->cap = cap;
    return 0;
}

/* An integer field in [lo, hi] into *out; absent leaves the fallback. null, a
 * string, a fraction or a number out of range is an error (casting them to int
 * would be undefined). */
static int int_field(const jv_object *o, const char *key, int fallback, int lo, int hi, int *out,
                     const char *what, snn_error *err)
{
    const jv_field *f = jv_get(o, key);
    *out = fallback;
    if (!f)
        return 0;
    if (f->kind != JV_NUM || !(f->num >= lo && f->num <= hi) || f->num != floor(f->num))
        return snn_fail(err, "%s: field \"%s\" is not an integer in [%d, %d]", what, key, lo, hi);
    *out = (int)f->num;
    return 0;
}

static int parse_run(const jv_object *o, report_run *r, const char *what, snn_error *err)
{
    memset(r, 0, sizeof *r);
    const char *key = jv_str(o, "key", NULL);
    if (!key)
        return snn_fail(err, "%s: no \"key\" (not a sweep results line)", what);
    static const char *const need[] = {"ratio", "s1", "noise", "seed", "init_hz", "peak_acc"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!isfinite(jv_num(o, need[i], NAN)))
            return snn_fail(err, "%s: field \"%s\" missing or not a number", what, need[i]);
    r->ratio = jv_num(o, "ratio", NAN);
    r->s1 = jv_num(o, "s1", NAN);
    r->noise = jv_num(o, "noise", NAN);
    r->dale = jv_num(o, "dale", 1) != 0;
    if (int_field(o, "seed", 0, INT_MIN, INT_MAX, &r->seed, what, err) != 0 ||
        int_field(o, "epochs", 0, 0, INT_MAX, &r->epochs, what, err) != 0 ||
        int_field(o, "train_samples", 0, 0, INT_MAX, &r->train_samples, what, err) != 0 ||
        int_field(o, "rob_rtl_images", 0, 0, INT_MAX, &r->rob_rtl_images, what, err) != 0)
        return -1;
    r->init_hz = jv_num(o, "init_hz", NAN);
    r->peak_acc = jv_num(o, "peak_acc", NAN);
    r->last10_acc = jv_num(o, "last10_acc", NAN);
    r->final_hz = jv_num(o, "final_hz", NAN);
    r->seconds = jv_num(o, "seconds", NAN);
    static const char *const when[2] = {"init", "final"};
    for (int w = 0; w < 2; w++) {
        char k[64];
        for (int g = 0; g < VRD_GROUPS; g++) {
            snprintf(k, sizeof k, "vrd_%s_mean_%s", when[w], vrd_group_names[g]);
            r->vrd[w][g] = jv_num(o, k, NAN);
        }
        snprintf(k, sizeof k, "vrd_%s_kw_p", when[w]);
        r->vrd_kw_p[w] = jv_num(o, k, NAN);
    }
    static const char *const rob_models[4] = {"float", "int", "rtl", "int_rtlset"};
    for (int i = 0; i < ROBUST_POINTS; i++)
        for (int m = 0; m < 4; m++) {
            char k[96];
            robust_field_name(&robust_plan[i], rob_models[m], k, sizeof k);
            r->rob[i][m] = jv_num(o, k, NAN);
        }
    /* The network: lines written before the network axes are the one-layer feed-forward net. */
    const char *arch = jv_str(o, "arch", NULL);
    double n_hidden = jv_num(o, "n_hidden", NAN);
    if (arch && (strlen(arch) >= sizeof r->arch || strspn(arch, "0123456789-") != strlen(arch)))
        return snn_fail(err, "%s: field \"arch\" is not hidden sizes like 128-64", what);
    if (arch)
        snprintf(r->arch, sizeof r->arch, "%s", arch);
    else if (n_hidden >= 1 && n_hidden < 1e9)
        snprintf(r->arch, sizeof r->arch, "%.0f", n_hidden);
    if (int_field(o, "depth", 1, 1, SNN_MAX_LAYERS, &r->depth, what, err) != 0)
        return -1;
    r->recurrent = jv_num(o, "recurrent", 0) != 0;
    r->rob_rtl_mismatches = jv_num(o, "rob_rtl_mismatches", NAN);
    r->cpu_seconds = jv_num(o, "cpu_seconds", NAN);
    const jv_field *ec = jv_get(o, "epoch_cpu_seconds");
    r->epoch_cpu = ec && ec->kind == JV_ARRAY ? stats_mean(ec->arr, ec->n_arr) : NAN;
    const jv_field *acc = jv_get(o, "test_acc");
    if (!(r->key = strdup(key)))
        return snn_fail(err, "%s: out of memory", what);
    if (acc && acc->kind == JV_ARRAY && acc->n_arr > 0) {
        r->test_acc = malloc(sizeof *r->test_acc * acc->n_arr);
        if (r->test_acc) {
            memcpy(r->test_acc, acc->arr, sizeof *r->test_acc * acc->n_arr);
            r->n_test_acc = acc->n_arr;
        }
    }
    return 0;
}

int report_load(const char *path, report_runs *runs, snn_error *err)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0)
        return -1;
    char *text = realloc(data, len + 1); /* jv_lines' spare byte */
    if (!text) {
        free(data);
        return snn_fail(err, "%s: out of memory", path);
    }
    jv_lines lines;
    jv_lines_init(&lines, text, len, path);
    int rc, lines_read = 0;
    char *line;
    while ((rc = jv_lines_next(&lines, &line, err)) == 1) {
        const char *what = lines.what;
        lines_read++;
        jv_object o;
        if (jv_parse(line, &o, what, err) != 0) {
            rc = -1;
            break;
        }
        report_run r;
        if (parse_run(&o, &r, what, err) != 0) {
            jv_free(&o);
            rc = -1;
            break;
        }
        jv_free(&o);
        int dup = 0;
        for (int i = 0; i < runs->n && !dup; i++)
            dup = strcmp(runs->r[i].key, r.key) == 0;
        if (dup) {
            runs->duplicates++;
            free(r.key);
            free(r.test_acc);
        } else if (grow_runs(runs) != 0) {
            free(r.key);
            free(r.test_acc);
            rc = snn_fail(err, "%s: out of memory", path);
            break;
        } else {
            runs->r[runs->n++] = r;
        }
    }
    if (rc == 0 && lines_read == 0)
        rc = snn_fail(err, "%s:%d: no results lines (the file is empty or blank)", path,
                      lines.line_no ? lines.line_no : 1);
    free(text);
    return rc;
}

void report_runs_free(report_runs *runs)
{
    for (int i = 0; i < runs->n; i++) {
        free(runs->r[i].key);
        free(runs->r[i].test_acc);
    }
    free(runs->r);
    memset(runs, 0, sizeof *runs);
}

report_options report_default_options(void)
{
    return (report_options){.dir = "report", .title = "E/I spiking networks: experiments",
                            .trained_acc = 0.5, .low_rate_hz = 25.6,
                            .noise_s1 = SWEEP_NOISE_S1};
}

/* ---- the document: every call writes the HTML and the Markdown page ---- */

/* Longer setup labels are numbered in figures ("setup 2"). */
#define SETUP_LABEL_MAX 24

typedef struct {
    atomic_file html, md;
    const report_options *o;
    report_summary *sum;
    /* Runs are pooled only within one setup (setups_find). */
    const report_runs *rs;
    int *setup_of;               /* per run */
    int n_setups;
    char (*setup_text)[512];     /* the key without the grid axes */
    char (*setup_label)[256];    /* what sets it apart from the others: "epochs=2" */
    int numbered;                /* a label is too long for a legend: "setup 2" there */
    /* Networks (hidden sizes, recurrence): never pooled either (nets_find). */
    int *net_of;                 /* per run */
    int n_nets;
    const report_run **net_run;  /* a run of each network, for its arch and recurrence */
} doc;

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

static void doc_h2(doc *d, const char *title)
{
    fputs("<h2>", d->html.fp);
    html_text(d->html.fp, title);
    fputs("</h2>\n", d->html.fp);
    fprintf(d->md.fp, "\n## %s\n\n", title);
}

static void doc_p(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_p(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs("<p>", d->html.fp);
    html_text(d->html.fp, buf);
    fputs("</p>\n", d->html.fp);
    fprintf(d->md.fp, "%s\n\n", buf);
}

/* One table cell in both pages: <tag> in the HTML, "| text" in the Markdown. */
static void doc_cell(doc *d, const char *tag, const char *text)
{
    fprintf(d->html.fp, "<%s>", tag);
    html_text(d->html.fp, text);
    fprintf(d->html.fp, "</%s>", tag);
    fprintf(d->md.fp, " %s |", text);
}

static void doc_table(doc *d, int cols, const char *const *head)
{
    fputs("<table>\n<tr>", d->html.fp);
    fputs("|", d->md.fp);
    for (int c = 0; c < cols; c++)
        doc_cell(d, "th", head[c]);
    fputs("</tr>\n", d->html.fp);
    fputs("\n|", d->md.fp);
    for (int c = 0; c < cols; c++)
        fputs("---|", d->md.fp);
    fputc('\n', d->md.fp);
}

/* One row: cols cells, separated by '\t' in fmt's output. */
static void doc_row(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_row(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs("<tr>", d->html.fp);
    fputs("|", d->md.fp);
    for (char *cell = buf, *next; cell; cell = next) {
        next = strchr(cell, '\t');
        if (next)
            *next++ = '\0';
        doc_cell(d, "td", cell);
    }
    fputs("</tr>\n", d->html.fp);
    fputc('\n', d->md.fp);
}

static void doc_table_end(doc *d)
{
    fputs("</table>\n", d->html.fp);
    fputc('\n', d->md.fp);
}

static void setups_list(const doc *d, char *buf, size_t len);

/* Renders a figure and places it in the page (or says why it is missing); with
 * numbered setups, the caption says what each number stands for. */
static void doc_figure(doc *d, const char *name, const char *body, int w, int h,
                       const char *caption)
{
    snn_error err;
    if (plot_render(d->o->dir, name, body, w, h, &err) != 0) {
        d->sum->figure_failures++;
        if (!d->sum->first_figure_error[0])
            snprintf(d->sum->first_figure_error, sizeof d->sum->first_figure_error, "%s",
                     err.msg);
        doc_p(d, "(Figure %s not drawn: %s)", name, err.msg);
        return;
    }
    d->sum->figures++;
    char text[4096], list[2048] = "";
    if (d->numbered)
        setups_list(d, list, sizeof list);
    snprintf(text, sizeof text, "%s%s%s", caption, list[0] ? " Setups: " : "", list);
    fprintf(d->html.fp, "<figure><a href=\"%s.svg\"><img src=\"%s.png\" alt=\"%s\"></a>"
                        "<figcaption>", name, name, name);
    html_text(d->html.fp, text);
    fputs("</figcaption></figure>\n", d->html.fp);
    fprintf(d->md.fp, "![%s](%s.png)\n\n*%s* ([SVG](%s.svg))\n\n", name, name, text, name);
}

/* Opens dir/<name> for a figure's data. */
static FILE *data_file(const report_options *o, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", o->dir, name);
    return fopen(path, "w");
}

/* ---- selections: runs pool only within one setup ---- */

static void ratio_label(double ratio, int dale, char *buf, size_t len)
{
    if (!dale)
        snprintf(buf, len, "no Dale");
    else
        snprintf(buf, len, "%g:%g", round(ratio * 1000) / 10, round((1 - ratio) * 1000) / 10);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int same(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1e-12);
}

/* The next space-separated token of *text (its length in *len), or NULL. */
static const char *next_token(const char **text, size_t *len)
{
    const char *p = *text + strspn(*text, " ");
    if (!*p)
        return NULL;
    *len = strcspn(p, " ");
    *text = p + *len;
    return p;
}

/* 1 if the token is a grid axis of a run's key (sweep_job_key). */
static int is_axis(const char *token, size_t len)
{
    static const char *const axes[] = {"ratio=", "dale=", "s1=", "noise=", "seed=", "arch=",
                                       "rec="};
    for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++)
        if (len > strlen(axes[i]) && strncmp(token, axes[i], strlen(axes[i])) == 0)
            return 1;
    return 0;
}

static int has_token(const char *text, const char *token, size_t len)
{
    const char *p;
    size_t t;
    while ((p = next_token(&text, &t)))
        if (t == len && strncmp(p, token, len) == 0)
            return 1;
    return 0;
}

/* Sorts the runs into setups: a run's setup is its key without the grid axes
 * (data set, epochs, batch, lr, optimiser, subset sizes, measurements). A
 * setup's label is what sets it apart from the others ("epochs=2"). */
static int setups_find(doc *d, const report_runs *rs)
{
    size_t n = rs->n ? (size_t)rs->n : 1;
    d->setup_of = malloc(sizeof *d->setup_of * n);
    d->setup_text = malloc(sizeof *d->setup_text * n);
    d->setup_label = malloc(sizeof *d->setup_label * n);
    if (!d->setup_of || !d->setup_text || !d->setup_label)
        return -1;
    for (int i = 0; i < rs->n; i++) {
        char text[sizeof *d->setup_text] = "";
        const char *rest = rs->r[i].key, *p;
        size_t used = 0, t;
        while ((p = next_token(&rest, &t)))
            if (!is_axis(p, t) && used + t + 2 < sizeof text)
                used += (size_t)snprintf(text + used, sizeof text - used, "%s%.*s", used ? " " : "",
                                         (int)t, p);
        int k = 0;
        while (k < d->n_setups && strcmp(d->setup_text[k], text) != 0)
            k++;
        if (k == d->n_setups)
            memcpy(d->setup_text[d->n_setups++], text, sizeof text);
        d->setup_of[i] = k;
    }
    for (int k = 0; k < d->n_setups; k++) {
        char *label = d->setup_label[k];
        const char *rest = d->setup_text[k], *p;
        size_t used = 0, t;
        label[0] = '\0';
        while ((p = next_token(&rest, &t))) {
            int everywhere = 1;
            for (int j = 0; j < d->n_setups && everywhere; j++)
                everywhere = has_token(d->setup_text[j], p, t);
            if (!everywhere && used + t + 2 < sizeof *d->setup_label)
                used += (size_t)snprintf(label + used, sizeof *d->setup_label - used, "%s%.*s",
                                         used ? " " : "", (int)t, p);
        }
    }
    for (int k = 0; k < d->n_setups; k++)
        d->numbered |= strlen(d->setup_label[k]) > SETUP_LABEL_MAX;
    return 0;
}

/* Orders networks by depth, then sizes (numerically), feed-forward first. */
static int cmp_net(const report_run *a, const report_run *b)
{
    if (a->depth != b->depth)
        return a->depth - b->depth;
    const char *p = a->arch, *q = b->arch;
    while (*p && *q) {
        long x = strtol(p, (char **)&p, 10), y = strtol(q, (char **)&q, 10);
        if (x != y)
            return x < y ? -1 : 1;
        p += *p == '-';
        q += *q == '-';
    }
    if (*p || *q)
        return *p ? 1 : -1;
    return a->recurrent - b->recurrent;
}

/* Sorts the runs into networks (hidden sizes and recurrence). */
static int nets_find(doc *d, const report_runs *rs)
{
    size_t n = rs->n ? (size_t)rs->n : 1;
    d->net_of = malloc(sizeof *d->net_of * n);
    d->net_run = malloc(sizeof *d->net_run * n);
    if (!d->net_of || !d->net_run)
        return -1;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        int k = 0;
        while (k < d->n_nets && cmp_net(d->net_run[k], r) != 0)
            k++;
        if (k == d->n_nets) /* kept in order: insert */
            for (k = d->n_nets++; k > 0 && cmp_net(d->net_run[k - 1], r) > 0; k--)
                d->net_run[k] = d->net_run[k - 1];
        d->net_run[k] = r;
    }
    for (int i = 0; i < rs->n; i++)
        for (int k = 0; k < d->n_nets; k++)
            if (cmp_net(d->net_run[k], &rs->r[i]) == 0)
                d->net_of[i] = k;
    return 0;
}

/* "128-64 rec", "100 ff". */
static void net_name(const doc *d, int k, char *buf, size_t len)
{
    const report_run *r = d->net_run[k];
    snprintf(buf, len, "%s%s%s", r->arch, r->arch[0] ? " " : "", r->recurrent ? "rec" : "ff");
}

/* Setup k as figures, tables and findings name it: its label, or "setup N"
 * (explained under each figure and in the runs paragraph) when labels are long. */
static void setup_name(const doc *d, int k, char *buf, size_t len)
{
    if (d->numbered)
        snprintf(buf, len, "setup %d", k + 1);
    else
        snprintf(buf, len, "%s", d->setup_label[k]);
}

/* "setup 1: epochs=3 limit=3000 (32 runs); setup 2: ..." */
static void setups_list(const doc *d, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < d->n_setups && used < len; k++) {
        int n = 0;
        for (int i = 0; i < d->rs->n; i++)
            n += d->setup_of[i] == k;
        if (d->numbered)
            used += (size_t)snprintf(buf + used, len - used, "%ssetup %d: %s (%d runs)",
                                     k ? "; " : "", k + 1, d->setup_label[k], n);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%s (%d runs)", k ? "; " : "",
                                     d->setup_label[k], n);
    }
}

static int setup_of(const doc *d, const report_run *r)
{
    return d->setup_of[r - d->rs->r];
}

static int net_of(const doc *d, const report_run *r)
{
    return d->net_of[r - d->rs->r];
}

/* Runs drawn and counted together: one E:I ratio (Dale) or the unbounded
 * baseline (all its splits), of one setup and one network. */
typedef struct {
    double ratio;
    int dale, setup, net;
} series;

static int in_series(const doc *d, const report_run *r, const series *s)
{
    return r->dale == s->dale && (!s->dale || same(r->ratio, s->ratio)) &&
           setup_of(d, r) == s->setup && net_of(d, r) == s->net;
}

static int cmp_series(const void *a, const void *b)
{
    const series *x = a, *y = b;
    if (x->setup != y->setup)
        return x->setup - y->setup;
    if (x->net != y->net)
        return x->net - y->net;
    if (x->dale != y->dale)
        return y->dale - x->dale;
    return cmp_double(&x->ratio, &y->ratio);
}

/* The series of the runs passing keep (the baseline's too if with_baseline):
 * by setup, then ratio, the baseline last. Returns the count. */
static int find_series(const doc *d, int (*keep)(const report_run *, const report_options *),
                       int with_baseline, series *out, int cap)
{
    int n = 0;
    for (int i = 0; i < d->rs->n; i++) {
        const report_run *r = &d->rs->r[i];
        if (!keep(r, d->o) || (!r->dale && !with_baseline))
            continue;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = in_series(d, r, &out[k]);
        if (!seen && n < cap)
            out[n++] = (series){r->dale ? r->ratio : 0, r->dale, d->setup_of[i], d->net_of[i]};
    }
    qsort(out, n, sizeof *out, cmp_series);
    return n;
}

/* "80:20", and the network and setup where there are several ("80:20, 128-64 rec,
 * epochs=2"). */
static void series_label(const doc *d, const series *s, char *buf, size_t len)
{
    char ratio[32], setup[sizeof *d->setup_label], net[96] = "";
    ratio_label(s->ratio, s->dale, ratio, sizeof ratio);
    setup_name(d, s->setup, setup, sizeof setup);
    if (d->n_nets > 1) {
        net[0] = ',';
        net[1] = ' ';
        net_name(d, s->net, net + 2, sizeof net - 2);
    }
    if (d->n_setups > 1)
        snprintf(buf, len, "%s%s, %s", ratio, net, setup);
    else
        snprintf(buf, len, "%s%s", ratio, net);
}

static int is_fig1c(const report_run *r, const report_options *o)
{
    (void)o;
    return r->noise == 0;
}

static int is_fig2(const report_run *r, const report_options *o)
{
    return same(r->s1, o->noise_s1);
}

static int trained(const report_run *r, const report_options *o)
{
    return r->peak_acc > o->trained_acc;
}

static int trained_fig1c(const report_run *r, const report_options *o)
{
    return trained(r, o) && is_fig1c(r, o);
}

static int any_run(const report_run *r, const report_options *o)
{
    (void)r;
    (void)o;
    return 1;
}

#define MAX_SERIES 64
/* Fig. 2's series sit this fraction of the sigma axis apart (error bars stay visible). */
#define NOISE_DODGE 0.008
/* The log rate axis of Fig. 1c starts here: a silent start (0 Hz) is drawn at it. */
#define RATE_FLOOR_HZ 0.01

/* ---- sections ---- */

static void section_fig1c(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    series ser[MAX_SERIES];
    int ns = find_series(d, is_fig1c, 1, ser, MAX_SERIES);
    doc_h2(d, "Fig. 1c: peak accuracy vs initial firing rate");
    if (ns == 0) {
        doc_p(d, "No runs without weight-update noise: nothing to show.");
        return;
    }
    FILE *f = data_file(o, "fig1c.dat");
    if (!f) {
        doc_p(d, "(cannot write %s/fig1c.dat: %s)", o->dir, strerror(errno));
        return;
    }
    char plot[6144], label[300];
    int len = 0, floored = 0;
    for (int k = 0; k < ns; k++) {
        series_label(d, &ser[k], label, sizeof label);
        fprintf(f, "# %s: initial_hz peak_acc_percent s1 seed final_hz\n", label);
        for (int i = 0; i < rs->n; i++) {
            const report_run *r = &rs->r[i];
            if (!is_fig1c(r, o) || !in_series(d, r, &ser[k]))
                continue;
            floored += r->init_hz < RATE_FLOOR_HZ;
            fprintf(f, "%g %g %g %d %g\n", fmax(r->init_hz, RATE_FLOOR_HZ), 100 * r->peak_acc,
                    r->s1, r->seed, r->final_hz);
        }
        fprintf(f, "\n\n");
        len += snprintf(plot + len, sizeof plot - len,
                        "%s'fig1c.dat' index %d using 1:2 with points lt %d title '%s'",
                        k ? ", " : "", k, k + 1, label);
    }
    fclose(f);
    /* The rate axis is logarithmic: silent starts are moved to its floor, and both the
     * axis label and the caption say how many. */
    char moved[160] = "";
    if (floored)
        snprintf(moved, sizeof moved, "; %d run%s below %g Hz drawn at %g Hz", floored,
                 floored == 1 ? "" : "s", RATE_FLOOR_HZ, RATE_FLOOR_HZ);
    char body[8192], caption[1024];
    snprintf(body, sizeof body,
             "set xlabel 'initial hidden firing rate (Hz, log scale%s)'\n"
             "set ylabel 'peak test accuracy (%%)'\nset logscale x\nset grid\nset yrange [0:100]\n"
             "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'gray'\n"
             "set label 'low activity' at %g, graph 0.97 right offset -0.5,0 tc rgb 'gray'\n"
             "plot %s",
             moved, o->low_rate_hz, o->low_rate_hz, o->low_rate_hz, plot);
    snprintf(caption, sizeof caption,
             "Peak test accuracy of every run (no weight-update noise) against the hidden "
             "layer's firing rate before training, per E:I ratio%s, and the unbounded (no Dale) "
             "network. Dashed: the paper's low-activity bound.%s%s%s",
             d->n_setups > 1 ? " and setup" : "", floored ? " Log axis: " : "",
             floored ? moved + 2 : "", floored ? "." : "");
    doc_figure(d, "fig1c", body, 900, 560, caption);

    static const char *const head[] = {"E:I", "runs", "trained (peak > 50%)", "paper trained",
                                       "trained, low-rate starts", "best peak", "median peak of trained"};
    doc_table(d, 7, head);
    for (int k = 0; k < ns; k++) {
        int n = 0, nt = 0, n_low = 0, nt_low = 0, m = 0;
        double best = 0, peaks[4096];
        for (int i = 0; i < rs->n; i++) {
            const report_run *r = &rs->r[i];
            if (!is_fig1c(r, o) || !in_series(d, r, &ser[k]))
                continue;
            n++;
            nt += trained(r, o);
            n_low += r->init_hz <= o->low_rate_hz;
            nt_low += r->init_hz <= o->low_rate_hz && trained(r, o);
            best = fmax(best, r->peak_acc);
            if (trained(r, o) && m < 4096)
                peaks[m++] = r->peak_acc;
        }
        int dale = ser[k].dale;
        series_label(d, &ser[k], label, sizeof label);
        char paper[64] = "-";
        for (size_t p = 0; dale && p < sizeof paper_trained_fraction / sizeof paper_trained_fraction[0]; p++)
            if (same(paper_trained_fraction[p].ratio, ser[k].ratio))
                snprintf(paper, sizeof paper, "%.0f%%", 100 * paper_trained_fraction[p].fraction);
        if (!dale)
            snprintf(paper, sizeof paper, "best about %.0f%%", 100 * PAPER_UNBOUNDED_ACC);
        char med[64] = "-";
        if (m)
            snprintf(med, sizeof med, "%.1f%% (paper: %s)", 100 * stats_median(peaks, m),
                     dale ? PAPER_TRAINED_ACC : "about 86%");
        doc_row(d, "%s\t%d\t%d (%.0f%%)\t%s\t%d of %d\t%.1f%%\t%s", label, n, nt, 100.0 * nt / n,
                paper, nt_low, n_low, 100 * best, med);
    }
    doc_table_end(d);
    doc_p(d, "The paper's trained fractions are over its whole s1 sweep, which includes "
             "deliberately over-active starts; compare like with like (same s1 grid).");
}

/* Mean test accuracy per epoch of the runs that trained, per ratio and setup:
 * a curve averages runs of one length only. */
static void section_curves(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    series ser[MAX_SERIES];
    int ns = find_series(d, trained_fig1c, 0, ser, MAX_SERIES), max_e = 0;
    for (int i = 0; i < rs->n; i++)
        max_e = rs->r[i].n_test_acc > max_e ? rs->r[i].n_test_acc : max_e;
    if (ns == 0 || max_e < 2)
        return;
    FILE *f = data_file(o, "curves.dat");
    if (!f)
        return;
    char body[8192], label[300];
    int len = snprintf(body, sizeof body,
                       "set xlabel 'epoch (passes over the training set)'\n"
                       "set ylabel 'test accuracy (%%)'\nset grid\nset xtics %d\nplot ",
                       max_e <= 12 ? 1 : 5);
    for (int k = 0; k < ns; k++) {
        series_label(d, &ser[k], label, sizeof label);
        fprintf(f, "# %s: epoch mean_percent runs\n", label);
        for (int e = 0; e < max_e; e++) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < rs->n; i++) {
                const report_run *r = &rs->r[i];
                if (trained_fig1c(r, o) && in_series(d, r, &ser[k]) && e < r->n_test_acc) {
                    sum += r->test_acc[e];
                    n++;
                }
            }
            if (n)
                fprintf(f, "%d %g %d\n", e + 1, 100 * sum / n, n);
        }
        fprintf(f, "\n\n");
        len += snprintf(body + len, sizeof body - len,
                        "%s'curves.dat' index %d using 1:2 with linespoints lt %d title '%s'",
                        k ? ", " : "", k, k + 1, label);
    }
    fclose(f);
    doc_figure(d, "curves", body, 800, 480,
               d->n_setups > 1
                   ? "Learning curves: mean test accuracy per epoch of the runs that trained (no "
                     "weight-update noise), per ratio and setup; runs of different setups (e.g. "
                     "epoch counts) are separate curves, never averaged together."
                   : "Learning curves: mean test accuracy per epoch of the runs that trained (no "
                     "weight-update noise), per ratio.");
}

static void section_trainable(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    series ser[MAX_SERIES];
    int ns = find_series(d, is_fig1c, 0, ser, MAX_SERIES);
    if (ns == 0)
        return;
    doc_h2(d, "Trainability per ratio");
    FILE *f = data_file(o, "trainable.dat");
    if (!f)
        return;
    fprintf(f, "# label fraction_trained_all fraction_trained_low_rate\n");
    for (int k = 0; k < ns; k++) {
        int n = 0, nt = 0, nl = 0, ntl = 0;
        for (int i = 0; i < rs->n; i++) {
            const report_run *r = &rs->r[i];
            if (!is_fig1c(r, o) || !in_series(d, r, &ser[k]))
                continue;
            n++;
            nt += trained(r, o);
            nl += r->init_hz <= o->low_rate_hz;
            ntl += r->init_hz <= o->low_rate_hz && trained(r, o);
        }
        char label[300];
        series_label(d, &ser[k], label, sizeof label);
        fprintf(f, "\"%s\" %g %g\n", label, n ? 100.0 * nt / n : 0, nl ? 100.0 * ntl / nl : 0);
    }
    fclose(f);
    char body[1024];
    snprintf(body, sizeof body,
             "set style data histograms\nset style histogram clustered gap 1\n"
             "set style fill solid 0.8 border -1\nset ylabel 'runs that trained (%%)'\n"
             "set xlabel 'E:I ratio (excitatory:inhibitory, %% of hidden neurons)%s'\n"
             "set yrange [0:105]\nset grid y\n%s"
             "plot 'trainable.dat' using 2:xtic(1) lt 1 title 'all starts', "
             "'' using 3 lt 2 title 'low-rate starts (<= %g Hz)'",
             d->n_setups > 1 ? " and setup" : "",
             d->n_setups > 1 ? "set xtics rotate by -20\n" : "", o->low_rate_hz);
    doc_figure(d, "trainable", body, 800, 480,
               "Fraction of runs whose peak accuracy exceeds 50%, over all starts and over the "
               "low-activity starts only.");
}

/* Last-10-epoch accuracies of the noise runs of one series at one sigma. */
static int noise_values(const doc *d, const series *s, double noise, double *out, int cap)
{
    int n = 0;
    for (int i = 0; i < d->rs->n; i++) {
        const report_run *r = &d->rs->r[i];
        if (is_fig2(r, d->o) && in_series(d, r, s) && same(r->noise, noise) &&
            isfinite(r->last10_acc) && n < cap)
            out[n++] = r->last10_acc;
    }
    return n;
}

static void section_fig2(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    series ser[MAX_SERIES];
    double noises[64];
    int ns = find_series(d, is_fig2, 0, ser, MAX_SERIES), nn = 0;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        int seen = 0;
        for (int k = 0; k < nn && !seen; k++)
            seen = same(noises[k], r->noise);
        if (r->dale && is_fig2(r, o) && !seen && nn < 64)
            noises[nn++] = r->noise;
    }
    qsort(noises, nn, sizeof *noises, cmp_double);
    if (ns == 0 || nn < 2)
        return;
    doc_h2(d, "Fig. 2: accuracy under weight-update noise");
    FILE *f = data_file(o, "noise.dat");
    if (!f)
        return;
    /* Ticks at the measured sigmas; a margin keeps the end points' error bars off the frame. */
    char body[8192], label[300], xt[2048] = "";
    int xl = 0;
    for (int b = 0; b < nn; b++)
        xl += snprintf(xt + xl, sizeof xt - xl, "%s'%g' %.10g", b ? ", " : "", noises[b],
                       noises[b]);
    double span = noises[nn - 1] - noises[0];
    int len = snprintf(body, sizeof body,
                       "set xlabel 'weight-update noise sigma (weight units, added after every update)'\n"
                       "set ylabel 'test accuracy, mean of last 10 epochs (%%)'\n"
                       "set grid\nset xtics (%s) rotate by -30\nset xrange [%.10g:%.10g]\nplot ",
                       xt, noises[0] - 0.04 * span, noises[nn - 1] + 0.04 * span);
    double v[4096], base[4096];
    for (int k = 0; k < ns; k++) {
        series_label(d, &ser[k], label, sizeof label);
        fprintf(f, "# %s (s1 = %g): noise mean_percent sd_percent runs\n", label, o->noise_s1);
        for (int b = 0; b < nn; b++) {
            int n = noise_values(d, &ser[k], noises[b], v, 4096);
            if (n)
                fprintf(f, "%g %g %g %d\n", noises[b], 100 * stats_mean(v, n), 100 * stats_sd(v, n), n);
        }
        fprintf(f, "\n\n");
        /* Dodged sideways, so that error bars at one sigma do not hide one another. */
        len += snprintf(body + len, sizeof body - len,
                        "%s'noise.dat' index %d using ($1 + %.10g):2:3 with yerrorlines lt %d title '%s'",
                        k ? ", " : "", k, (k - (ns - 1) / 2.0) * NOISE_DODGE * span, k + 1, label);
    }
    fclose(f);
    char caption[768];
    snprintf(caption, sizeof caption,
             "Test accuracy (mean of the last 10 epochs, error bars: sd over seeds) against the "
             "sigma of the Gaussian noise added to every weight after each update, per ratio%s "
             "(s1 = %g).%s", d->n_setups > 1 ? " and setup" : "", o->noise_s1,
             ns > 1 ? " The series are drawn slightly apart along sigma (by a fraction of the "
                      "axis, for legibility); the ticks mark the measured sigmas." : "");
    doc_figure(d, "noise", body, 900, 560, caption);
    static const char *const head[] = {"E:I", "sigma", "runs", "accuracy (mean +- sd)",
                                       "minus 100:0", "Welch t", "p"};
    doc_table(d, 7, head);
    for (int k = 0; k < ns; k++) {
        series_label(d, &ser[k], label, sizeof label);
        series all_exc = {1.0, 1, ser[k].setup, ser[k].net}; /* the reference: 100:0, same setup and net */
        for (int b = 0; b < nn; b++) {
            int n = noise_values(d, &ser[k], noises[b], v, 4096);
            if (!n)
                continue;
            int nb = noise_values(d, &all_exc, noises[b], base, 4096);
            char diff[64] = "-", tt[32] = "-", pp[32] = "-";
            if (nb && !same(ser[k].ratio, 1.0)) {
                stats_ttest t = stats_welch(v, n, base, nb);
                snprintf(diff, sizeof diff, "%+.2f pp", 100 * (t.mean_a - t.mean_b));
                if (isfinite(t.p)) {
                    snprintf(tt, sizeof tt, "%.2f", t.t);
                    snprintf(pp, sizeof pp, "%.3g", t.p);
                }
            }
            doc_row(d, "%s\t%g\t%d\t%.2f%% +- %.2f\t%s\t%s\t%s", label, noises[b], n,
                    100 * stats_mean(v, n), 100 * stats_sd(v, n), diff, tt, pp);
        }
    }
    doc_table_end(d);
    doc_p(d, "Welch's t-test of each ratio's accuracies against the 100:0 network's at the same "
             "sigma%s (two-sided). The paper reports the same comparison for its 8 trials.",
          d->n_setups > 1 ? " and setup" : "");
}

/* VRD conditions: [trained?][init/final]. */
static const char *const vrd_cond_names[4] = {"trained, at init", "trained, after training",
                                              "failed, at init", "failed, after training"};


/* A run in the VRD figure: no weight noise, and both kinds of neuron (100:0
 * has no E-I or I-I pairs) measured at init and after training. */
static int vrd_usable(const report_run *r)
{
    int complete = 1;
    for (int w = 0; w < 2; w++)
        for (int g = 0; g < VRD_GROUPS; g++)
            complete &= isfinite(r->vrd[w][g]);
    return r->dale && r->noise == 0 && complete;
}

static void section_vrd(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    int any = 0;
    for (int i = 0; i < rs->n && !any; i++)
        any = isfinite(rs->r[i].vrd[1][0]);
    if (!any)
        return;
    doc_h2(d, "Fig. 5: Van Rossum distances between hidden spike trains");
    /* One setup and network only: the one with the most measured runs. */
    int groups = d->n_setups * d->n_nets;
    int *per_group = calloc((size_t)groups + 1, sizeof *per_group), chosen = 0, others = 0;
    for (int i = 0; per_group && i < rs->n; i++)
        per_group[setup_of(d, &rs->r[i]) * d->n_nets + net_of(d, &rs->r[i])] +=
            vrd_usable(&rs->r[i]);
    for (int k = 0; per_group && k < groups; k++)
        chosen = per_group[k] > per_group[chosen] ? k : chosen;
    for (int k = 0; per_group && k < groups; k++)
        others += k != chosen ? per_group[k] : 0;
    char net[96];
    net_name(d, chosen % d->n_nets, net, sizeof net);
    if (others && d->n_setups > 1)
        doc_p(d, "Drawn from the %d runs of setup %s, network %s only; the %d runs of other "
                 "setups or networks are not pooled with them.", per_group[chosen],
              d->setup_label[chosen / d->n_nets], net, others);
    else if (others)
        doc_p(d, "Drawn from the %d runs of network %s only (distances within its first hidden "
                 "layer); the %d runs of other networks are not pooled with them.",
              per_group[chosen], net, others);
    free(per_group);
    /* Per condition and group: the runs' mean pair distances. */
    int cap = rs->n ? rs->n : 1;
    double *vals[4][VRD_GROUPS];
    int n[4][VRD_GROUPS] = {{0}};
    int oom = 0;
    for (int c = 0; c < 4; c++)
        for (int g = 0; g < VRD_GROUPS; g++)
            oom |= !(vals[c][g] = malloc(sizeof(double) * cap));
    double *ee80 = malloc(sizeof(double) * cap), *ei80 = malloc(sizeof(double) * cap),
           *ii80 = malloc(sizeof(double) * cap);
    int n80 = 0, kw_small = 0, kw_runs = 0;
    oom |= !ee80 || !ei80 || !ii80;
    for (int i = 0; i < rs->n && !oom; i++) {
        const report_run *r = &rs->r[i];
        if (!vrd_usable(r) || setup_of(d, r) * d->n_nets + net_of(d, r) != chosen)
            continue;
        int t = trained(r, o);
        for (int w = 0; w < 2; w++) {
            int c = (t ? 0 : 2) + w;
            for (int g = 0; g < VRD_GROUPS; g++)
                vals[c][g][n[c][g]++] = r->vrd[w][g];
        }
        if (t && same(r->ratio, 0.8)) {
            ee80[n80] = r->vrd[1][VRD_EE];
            ei80[n80] = r->vrd[1][VRD_EI];
            ii80[n80++] = r->vrd[1][VRD_II];
        }
        if (t && isfinite(r->vrd_kw_p[1])) {
            kw_runs++;
            kw_small += r->vrd_kw_p[1] < 0.01;
        }
    }
    FILE *f = oom ? NULL : data_file(o, "vrd.dat");
    if (f) {
        static const char *const group_titles[VRD_GROUPS] = {"E-E", "E-I", "I-I"};
        for (int g = 0; g < VRD_GROUPS; g++) {
            fprintf(f, "# %s: x lo q1 median q3 hi condition\n", group_titles[g]);
            for (int c = 0; c < 4; c++) {
                if (!n[c][g])
                    continue;
                stats_box b = stats_boxplot(vals[c][g], n[c][g]); /* order does not matter here */
                fprintf(f, "%d %g %g %g %g %g \"%s\"\n", c * 4 + g + 1, b.lo, b.q1, b.median, b.q3,
                        b.hi, vrd_cond_names[c]);
            }
            fprintf(f, "\n\n");
        }
        fclose(f);
        doc_figure(d, "vrd",
                   "set style fill solid 0.4 border -1\nset boxwidth 0.8\n"
                   "set ylabel 'mean Van Rossum distance of a run (dimensionless)'\n"
                   "set xlabel 'runs (trained or failed; at initialisation or after training)'\n"
                   "set grid y\nset xrange [0:16]\n"
                   "set xtics ('trained, init' 2, 'trained, after' 6, 'failed, init' 10, 'failed, after' 14)\n"
                   "plot for [g=0:2] 'vrd.dat' index g using 1:3:2:6:5 with candlesticks whiskerbars "
                   "lc g+1 title word('E-E E-I I-I', g+1), "
                   "for [g=0:2] 'vrd.dat' index g using 1:4:4:4:4 with candlesticks lc g+1 lw 2 notitle",
                   900, 500,
                   "Van Rossum distances between hidden neurons' spike trains (tau = 1 step), "
                   "averaged per pair group within each run, over the runs without weight noise: "
                   "trained vs failed runs (with both E and I neurons), at initialisation and "
                   "after training.");
        static const char *const head[] = {"condition", "runs", "E-E median", "E-I median",
                                           "I-I median", "Kruskal-Wallis H", "p"};
        doc_table(d, 7, head);
        for (int c = 0; c < 4; c++) {
            const double *groups[VRD_GROUPS] = {vals[c][0], vals[c][1], vals[c][2]};
            stats_kw kw = stats_kruskal(groups, n[c], VRD_GROUPS);
            double med[VRD_GROUPS];
            for (int g = 0; g < VRD_GROUPS; g++) /* sorts in place: after the test */
                med[g] = stats_median(vals[c][g], n[c][g]);
            doc_row(d, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.2f\t%.3g", vrd_cond_names[c], n[c][0], med[0],
                    med[1], med[2], kw.h, kw.p);
        }
        if (n80) {
            const double *groups80[VRD_GROUPS] = {ee80, ei80, ii80};
            int n80s[VRD_GROUPS] = {n80, n80, n80};
            stats_kw kw = stats_kruskal(groups80, n80s, VRD_GROUPS);
            double ee = stats_median(ee80, n80), ei = stats_median(ei80, n80),
                   ii = stats_median(ii80, n80);
            doc_row(d, "80:20, trained, after training\t%d\t%.3f\t%.3f\t%.3f\t%.2f\t%.3g", n80, ee,
                    ei, ii, kw.h, kw.p);
        }
        doc_row(d, "paper: 80:20, trained, after training\t-\t%.2f\t%.2f\t%.2f\t-\tp << 0.01",
                PAPER_VRD_EE, PAPER_VRD_EI, PAPER_VRD_II);
        doc_table_end(d);
        if (kw_runs)
            doc_p(d, "Within single trained runs (pairs pooled over the VRD images), the three groups "
                     "differ with Kruskal-Wallis p < 0.01 in %d of %d runs.", kw_small, kw_runs);
    }
    for (int c = 0; c < 4; c++)
        for (int g = 0; g < VRD_GROUPS; g++)
            free(vals[c][g]);
    free(ee80);
    free(ei80);
    free(ii80);
}

static void section_robust(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    int any = 0, rtl_runs = 0, rtl_min = 1 << 30, rtl_max = 0;
    double rtl_mismatches = 0;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        any |= isfinite(r->rob[0][0]);
        if (r->rob_rtl_images > 0) {
            rtl_runs++;
            rtl_min = r->rob_rtl_images < rtl_min ? r->rob_rtl_images : rtl_min;
            rtl_max = r->rob_rtl_images > rtl_max ? r->rob_rtl_images : rtl_max;
            rtl_mismatches += isfinite(r->rob_rtl_mismatches) ? r->rob_rtl_mismatches : 0;
        }
    }
    if (!any)
        return;
    /* The trained networks; if none trained (tiny sweeps), every network. */
    int (*keep)(const report_run *, const report_options *) = trained;
    series ser[MAX_SERIES];
    int ns = find_series(d, keep, 0, ser, MAX_SERIES);
    if (ns == 0) {
        keep = any_run;
        ns = find_series(d, keep, 0, ser, MAX_SERIES);
    }
    doc_h2(d, "Inference-time robustness: float vs integer (hardware) model");
    if (keep == any_run)
        doc_p(d, "No run trained: the figures below are of untrained networks.");
    FILE *f = data_file(o, "robust.dat");
    if (!f)
        return;
    /* Columns: float, integer, and with RTL runs the RTL core and the integer
     * model on the RTL's images (report_run.rob's order). */
    static const char *const head[] = {"E:I", "condition", "runs", "float accuracy",
                                       "integer (8-bit) accuracy", "RTL core accuracy",
                                       "integer on the RTL's images"};
    int models = rtl_runs ? 4 : 2;
    /* One panel per series: float, integer and RTL lie close together by design, and
     * the series would hide one another in a single plot. */
    int cols = ns > 1 ? 2 : 1, rows = (ns + cols - 1) / cols;
    char body[32768], xt[1024] = "", label[300];
    int xl = 0;
    for (int i = 0; i < ROBUST_POINTS; i++)
        xl += snprintf(xt + xl, sizeof xt - xl, "%s'%s %g' %d", i ? ", " : "",
                       robust_kind_names[robust_plan[i].kind], robust_plan[i].level, i);
    int len = snprintf(body, sizeof body,
                       "set ylabel 'test accuracy (%%)'\nset xlabel 'perturbation (kind, level)'\n"
                       "set grid\nset xtics (%s) rotate by -30\nset yrange [0:100]\nset rmargin 14\n"
                       "set multiplot layout %d,%d\n", xt, rows, cols);
    doc_table(d, 3 + models, head);
    for (int k = 0; k < ns; k++) {
        series_label(d, &ser[k], label, sizeof label);
        fprintf(f, "# %s: condition float_percent int_percent runs rtl_percent "
                   "int_rtlset_percent\n", label);
        for (int c = 0; c < ROBUST_POINTS; c++) {
            double vals[4][4096], mean[4];
            int n[4] = {0}, runs = 0, seen = 0;
            char row[512], cell[4][32];
            for (int i = 0; i < rs->n; i++) {
                const report_run *r = &rs->r[i];
                if (!keep(r, o) || !in_series(d, r, &ser[k]) || seen >= 4096)
                    continue;
                seen++;
                for (int m = 0; m < 4; m++)
                    if (isfinite(r->rob[c][m]))
                        vals[m][n[m]++] = r->rob[c][m];
            }
            for (int m = 0; m < 4; m++) {
                mean[m] = n[m] ? 100 * stats_mean(vals[m], n[m]) : NAN;
                runs = n[m] > runs ? n[m] : runs;
                if (isfinite(mean[m]))
                    snprintf(cell[m], sizeof cell[m], "%.1f%%", mean[m]);
                else
                    snprintf(cell[m], sizeof cell[m], "-");
            }
            fprintf(f, "%d %g %g %d %g %g\n", c, isfinite(mean[0]) ? mean[0] : -1,
                    isfinite(mean[1]) ? mean[1] : -1, runs, isfinite(mean[2]) ? mean[2] : -1,
                    isfinite(mean[3]) ? mean[3] : -1);
            int rl = snprintf(row, sizeof row, "%s\t%s %g\t%d", label,
                              robust_kind_names[robust_plan[c].kind], robust_plan[c].level, runs);
            for (int m = 0; m < models; m++)
                rl += snprintf(row + rl, sizeof row - rl, "\t%s", cell[m]);
            doc_row(d, "%s", row);
        }
        fprintf(f, "\n\n");
        len += snprintf(body + len, sizeof body - len,
                        "set title '%s'\n"
                        "plot 'robust.dat' index %d using 1:($2 < 0 ? NaN : $2) with linespoints lt 1 title 'float', "
                        "'' index %d using 1:($3 < 0 ? NaN : $3) with linespoints lt 2 title 'integer (8-bit)'",
                        label, k, k);
        if (rtl_runs)
            len += snprintf(body + len, sizeof body - len,
                            ", '' index %d using 1:($5 < 0 ? NaN : $5) with points lt 3 "
                            "title 'RTL core (first images)'", k);
        len += snprintf(body + len, sizeof body - len, "\n");
    }
    snprintf(body + len, sizeof body - len, "unset multiplot");
    doc_table_end(d);
    fclose(f);
    if (ns == 0)
        return;
    doc_figure(d, "robust", body, cols * 560, rows * 380 + 20,
               "Accuracy of the trained networks under inference-time perturbations, one panel "
               "per ratio: input spikes dropped (fraction) or added (probability per input and "
               "step), weights scaled by 1 + sigma N(0,1) (device variation), membrane noise "
               "from the on-chip generator (half-range / threshold; integer model only). Solid, "
               "circles: the float model; dashed, squares: the 8-bit integer model, which the RTL "
               "matches bit for bit; triangles: the RTL core itself (co-simulation) on the first "
               "test images, where measured.");
    if (rtl_runs)
        doc_p(d, "The RTL column is the Verilated core (co-simulation) on the first %d%s test "
                 "images of each perturbed set, loaded with the same perturbed 8-bit network; "
                 "beside it, the integer model on those same images (the integer column is on "
                 "the whole set). In %d runs, RTL and integer model differed in %.0f spikes and "
                 "readout values.",
              rtl_min, rtl_min == rtl_max ? "" : " (or more)", rtl_runs, rtl_mismatches);
    else
        doc_p(d, "The RTL co-simulation is bit-exact with the integer model (tests of sim/cosim), "
                 "so the integer column is also the hardware's; `snn sweep --robust-rtl N` runs "
                 "the RTL core itself on the first N images of every perturbed set.");
}

/* ---- feed-forward vs recurrent E/I networks ---- */

/* Appends to a script of cap bytes whose length is *len; a script too long for
 * its buffer is cut (gnuplot then reports the figure as not drawn). */
static void script_add(char *buf, size_t cap, int *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void script_add(char *buf, size_t cap, int *len, const char *fmt, ...)
{
    if ((size_t)*len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - (size_t)*len, fmt, ap);
    va_end(ap);
    *len = n < 0 ? *len : (size_t)*len + (size_t)n >= cap ? (int)cap - 1 : *len + n;
}

/* The ratios the section compares, in panel order. */
static const double rec_ratios[] = {0.8, 0.5};
#define REC_PANELS 2

/* A line of the section: one network of one setup at one ratio; lt is the
 * network's (and setup's) line type, the same in every panel. */
typedef struct {
    series s;
    int panel, lt;
} rec_line;

/* The section's lines: Dale runs at 80:20 or 50:50 passing keep, in series order. */
static int rec_lines(const doc *d, int (*keep)(const report_run *, const report_options *),
                     rec_line *out, int cap)
{
    series ser[MAX_SERIES];
    int ns = find_series(d, keep, 0, ser, MAX_SERIES), n = 0;
    for (int p = 0; p < REC_PANELS; p++)
        for (int k = 0; k < ns; k++)
            if (same(ser[k].ratio, rec_ratios[p]) && n < cap) {
                /* Line types by (setup, network): the same network keeps its colour. */
                out[n] = (rec_line){ser[k], p, ser[k].setup * d->n_nets + ser[k].net + 1};
                n++;
            }
    return n;
}

/* "128-64 rec", with the setup where there are several. */
static void rec_line_label(const doc *d, const series *s, char *buf, size_t len)
{
    char net[96], setup[sizeof *d->setup_label];
    net_name(d, s->net, net, sizeof net);
    setup_name(d, s->setup, setup, sizeof setup);
    if (d->n_setups > 1)
        snprintf(buf, len, "%s, %s", net, setup);
    else
        snprintf(buf, len, "%s", net);
}

/* The feed-forward network of the same sizes as network k, or -1. */
static int ff_twin(const doc *d, int k)
{
    for (int q = 0; q < d->n_nets; q++)
        if (!d->net_run[q]->recurrent && strcmp(d->net_run[q]->arch, d->net_run[k]->arch) == 0)
            return q;
    return -1;
}

static int is_rec_start(const report_run *r, const report_options *o)
{
    return r->dale && is_fig1c(r, o);
}

static int is_rec_noise(const report_run *r, const report_options *o)
{
    return r->dale && is_fig2(r, o);
}

/* Panels (ratios) the lines fill. */
static int rec_panels(const rec_line *lines, int n)
{
    int panels = 0;
    for (int p = 0; p < REC_PANELS; p++) {
        int any = 0;
        for (int k = 0; k < n; k++)
            any |= lines[k].panel == p;
        panels += any;
    }
    return panels;
}

/* Before line k's plot terms: a new panel's title and plot command, or a comma. */
static void rec_plot_start(const rec_line *lines, int k, const char *ratio, char *buf,
                           size_t cap, int *len)
{
    if (k > 0 && lines[k - 1].panel == lines[k].panel)
        script_add(buf, cap, len, ", ");
    else
        script_add(buf, cap, len, "%sset title '%s'\nplot ", k ? "\n" : "", ratio);
}

/* Trainability vs initial rate: per line, the runs' points and, per s1, the mean
 * initial rate, mean peak and fraction trained. */
static void rec_trainability(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    rec_line lines[MAX_SERIES];
    int nl = rec_lines(d, is_rec_start, lines, MAX_SERIES);
    if (nl == 0)
        return;
    FILE *f = data_file(o, "recurrent_rate.dat"), *g = data_file(o, "recurrent_runs.dat");
    if (!f || !g) {
        if (f)
            fclose(f);
        if (g)
            fclose(g);
        doc_p(d, "(cannot write the data of the recurrent figures in %s: %s)", o->dir,
              strerror(errno));
        return;
    }
    char peak[8192], frac[8192], label[400];
    int panels = rec_panels(lines, nl), pl = 0, fl = 0, floored = 0;
    script_add(peak, sizeof peak, &pl, "set multiplot layout 1,%d\n", panels);
    script_add(frac, sizeof frac, &fl, "set multiplot layout 1,%d\n", panels);
    static const char *const head[] = {"E:I", "network", "runs", "trained (peak > 50%)",
                                       "trained, low-rate starts", "initial rates (Hz)",
                                       "best peak", "median peak of trained"};
    doc_table(d, 8, head);
    for (int k = 0; k < nl; k++) {
        const series *ser = &lines[k].s;
        char ratio[32];
        ratio_label(ser->ratio, 1, ratio, sizeof ratio);
        rec_line_label(d, ser, label, sizeof label);
        rec_plot_start(lines, k, ratio, peak, sizeof peak, &pl);
        rec_plot_start(lines, k, ratio, frac, sizeof frac, &fl);
        /* The s1 values of the line, ascending. */
        double s1s[256];
        int n_s1 = 0, n = 0, nt = 0, n_low = 0, nt_low = 0, m = 0;
        double best = 0, lo = INFINITY, hi = 0, peaks[4096];
        fprintf(f, "# %s %s: mean_initial_hz mean_peak_percent trained_percent runs s1\n", ratio,
                label);
        fprintf(g, "# %s %s: initial_hz peak_percent s1 seed\n", ratio, label);
        for (int i = 0; i < rs->n; i++) {
            const report_run *r = &rs->r[i];
            if (!is_rec_start(r, o) || !in_series(d, r, ser))
                continue;
            int seen = 0;
            for (int q = 0; q < n_s1 && !seen; q++)
                seen = same(s1s[q], r->s1);
            if (!seen && n_s1 < 256)
                s1s[n_s1++] = r->s1;
            floored += r->init_hz < RATE_FLOOR_HZ;
            fprintf(g, "%g %g %g %d\n", fmax(r->init_hz, RATE_FLOOR_HZ), 100 * r->peak_acc, r->s1,
                    r->seed);
            n++;
            nt += trained(r, o);
            n_low += r->init_hz <= o->low_rate_hz;
            nt_low += r->init_hz <= o->low_rate_hz && trained(r, o);
            best = fmax(best, r->peak_acc);
            lo = fmin(lo, r->init_hz);
            hi = fmax(hi, r->init_hz);
            if (trained(r, o) && m < 4096)
                peaks[m++] = r->peak_acc;
        }
        qsort(s1s, n_s1, sizeof *s1s, cmp_double);
        for (int q = 0; q < n_s1; q++) {
            double hz = 0, acc = 0;
            int c = 0, ct = 0;
            for (int i = 0; i < rs->n; i++) {
                const report_run *r = &rs->r[i];
                if (is_rec_start(r, o) && in_series(d, r, ser) && same(r->s1, s1s[q])) {
                    hz += r->init_hz;
                    acc += r->peak_acc;
                    ct += trained(r, o);
                    c++;
                }
            }
            fprintf(f, "%g %g %g %d %g\n", fmax(hz / c, RATE_FLOOR_HZ), 100 * acc / c,
                    100.0 * ct / c, c, s1s[q]);
        }
        fprintf(f, "\n\n");
        fprintf(g, "\n\n");
        script_add(peak, sizeof peak, &pl,
                   "'recurrent_rate.dat' index %d using 1:2 with linespoints lt %d title '%s', "
                   "'recurrent_runs.dat' index %d using 1:2 with points lt %d ps 0.6 notitle",
                   k, lines[k].lt, label, k, lines[k].lt);
        script_add(frac, sizeof frac, &fl,
                   "'recurrent_rate.dat' index %d using 1:3 with linespoints lt %d title '%s'", k,
                   lines[k].lt, label);
        char med[32] = "-";
        if (m)
            snprintf(med, sizeof med, "%.1f%%", 100 * stats_median(peaks, m));
        doc_row(d, "%s\t%s\t%d\t%d (%.0f%%)\t%d of %d\t%.1f - %.1f\t%.1f%%\t%s", ratio, label, n,
                nt, 100.0 * nt / n, nt_low, n_low, lo, hi, 100 * best, med);
    }
    doc_table_end(d);
    fclose(f);
    fclose(g);
    script_add(peak, sizeof peak, &pl, "\nunset multiplot");
    script_add(frac, sizeof frac, &fl, "\nunset multiplot");
    char moved[160] = "", head_text[1024], body[8192 + 2048], caption[1024];
    if (floored)
        snprintf(moved, sizeof moved, "; %d run%s below %g Hz drawn at %g Hz", floored,
                 floored == 1 ? "" : "s", RATE_FLOOR_HZ, RATE_FLOOR_HZ);
    snprintf(head_text, sizeof head_text,
             "set xlabel 'initial hidden firing rate (Hz, all hidden layers, log scale%s)'\n"
             "set logscale x\nset grid\n"
             "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'gray'\n",
             moved, o->low_rate_hz, o->low_rate_hz);
    snprintf(body, sizeof body, "%sset ylabel 'peak test accuracy (%%)'\nset yrange [0:100]\n%s",
             head_text, peak);
    snprintf(caption, sizeof caption,
             "Peak test accuracy against the initial firing rate (set by s1), feed-forward vs "
             "recurrent E/I networks, one panel per E:I ratio: small points are runs, lines join "
             "the means over the seeds of each s1 (no weight-update noise). Dashed: the paper's "
             "low-activity bound.%s%s%s", floored ? " Log axis: " : "", floored ? moved + 2 : "",
             floored ? "." : "");
    doc_figure(d, "recurrent_peak", body, panels * 560, 460, caption);
    snprintf(body, sizeof body,
             "%sset ylabel 'runs that trained (%% of seeds, peak > %.0f%%)'\nset yrange [0:105]\n%s",
             head_text, 100 * o->trained_acc, frac);
    doc_figure(d, "recurrent_trained", body, panels * 560, 460,
               "Trainability against the initial firing rate: the fraction of seeds whose peak "
               "accuracy exceeds the trained bound, per s1 at the mean initial rate of its seeds, "
               "feed-forward vs recurrent, one panel per E:I ratio.");
}

/* Accuracy under weight-update noise: mean (sd) of the last epochs per sigma, with
 * Welch's t-test of each recurrent network against its feed-forward twin. */
static void rec_noise(doc *d, const report_runs *rs)
{
    const report_options *o = d->o;
    rec_line lines[MAX_SERIES];
    int nl = rec_lines(d, is_rec_noise, lines, MAX_SERIES);
    double noises[64];
    int nn = 0;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        int seen = 0;
        for (int k = 0; k < nn && !seen; k++)
            seen = same(noises[k], r->noise);
        if (is_rec_noise(r, o) && !seen && nn < 64)
            noises[nn++] = r->noise;
    }
    qsort(noises, nn, sizeof *noises, cmp_double);
    if (nl == 0 || nn < 2) {
        doc_p(d, "No weight-update noise runs at s1 = %g with two or more sigmas: no noise "
                 "comparison.", o->noise_s1);
        return;
    }
    FILE *f = data_file(o, "recurrent_noise.dat");
    if (!f)
        return;
    char body[12288], xt[2048] = "", label[400];
    int xl = 0, len = 0, panels = rec_panels(lines, nl);
    for (int b = 0; b < nn; b++)
        script_add(xt, sizeof xt, &xl, "%s'%g' %.10g", b ? ", " : "", noises[b], noises[b]);
    double span = noises[nn - 1] - noises[0];
    script_add(body, sizeof body, &len,
               "set xlabel 'weight-update noise sigma (weight units, added after every update)'\n"
               "set ylabel 'test accuracy, mean of last 10 epochs (%%)'\n"
               "set grid\nset xtics (%s) rotate by -30\nset xrange [%.10g:%.10g]\n"
               "set multiplot layout 1,%d\n",
               xt, noises[0] - 0.04 * span, noises[nn - 1] + 0.04 * span, panels);
    static const char *const head[] = {"E:I", "network", "sigma", "runs", "accuracy (mean +- sd)",
                                       "recurrent minus feed-forward", "Welch t", "p"};
    doc_table(d, 8, head);
    double v[4096], base[4096];
    for (int k = 0; k < nl; k++) {
        const series *ser = &lines[k].s;
        char ratio[32];
        ratio_label(ser->ratio, 1, ratio, sizeof ratio);
        rec_line_label(d, ser, label, sizeof label);
        int in_panel = 0;
        for (int q = k - 1; q >= 0 && lines[q].panel == lines[k].panel; q--)
            in_panel++;
        fprintf(f, "# %s %s (s1 = %g): noise mean_percent sd_percent runs\n", ratio, label,
                o->noise_s1);
        int twin = d->net_run[ser->net]->recurrent ? ff_twin(d, ser->net) : -1;
        series ff = *ser;
        ff.net = twin;
        for (int b = 0; b < nn; b++) {
            int n = noise_values(d, ser, noises[b], v, 4096);
            if (!n)
                continue;
            fprintf(f, "%g %g %g %d\n", noises[b], 100 * stats_mean(v, n), 100 * stats_sd(v, n), n);
            int nb = twin >= 0 ? noise_values(d, &ff, noises[b], base, 4096) : 0;
            char diff[64] = "-", tt[32] = "-", pp[32] = "-";
            if (nb) {
                stats_ttest t = stats_welch(v, n, base, nb);
                snprintf(diff, sizeof diff, "%+.2f pp", 100 * (t.mean_a - t.mean_b));
                if (isfinite(t.p)) {
                    snprintf(tt, sizeof tt, "%.2f", t.t);
                    snprintf(pp, sizeof pp, "%.3g", t.p);
                }
            }
            doc_row(d, "%s\t%s\t%g\t%d\t%.2f%% +- %.2f\t%s\t%s\t%s", ratio, label, noises[b], n,
                    100 * stats_mean(v, n), 100 * stats_sd(v, n), diff, tt, pp);
        }
        fprintf(f, "\n\n");
        rec_plot_start(lines, k, ratio, body, sizeof body, &len);
        script_add(body, sizeof body, &len,
                   "'recurrent_noise.dat' index %d using ($1 + %.10g):2:3 with yerrorlines lt %d "
                   "title '%s'",
                   k, in_panel * NOISE_DODGE * span, lines[k].lt, label);
    }
    doc_table_end(d);
    fclose(f);
    script_add(body, sizeof body, &len, "\nunset multiplot");
    doc_figure(d, "recurrent_noise", body, panels * 560, 460,
               "Test accuracy (mean of the last 10 epochs, error bars: sd over seeds) against the "
               "sigma of the Gaussian noise added to every weight after each update, feed-forward "
               "vs recurrent, one panel per E:I ratio. Series are drawn slightly apart along "
               "sigma; the ticks mark the measured sigmas.");
    doc_p(d, "Welch's t-test (two-sided) of each recurrent network's accuracies against those of "
             "the feed-forward network of the same sizes, setup and ratio, at the same sigma.");
}

/* Trained runs among the starts of a series: all (n, *nt) and low-rate ones. */
static int rec_trained(const doc *d, const series *s, int *nt, int *n_low, int *nt_low)
{
    int n = 0;
    *nt = *n_low = *nt_low = 0;
    for (int i = 0; i < d->rs->n; i++) {
        const report_run *r = &d->rs->r[i];
        if (!is_rec_start(r, d->o) || !in_series(d, r, s))
            continue;
        int low = r->init_hz <= d->o->low_rate_hz;
        n++;
        *nt += trained(r, d->o);
        *n_low += low;
        *nt_low += low && trained(r, d->o);
    }
    return n;
}

/* The answers first: per ratio, each recurrent network against its feed-forward twin. */
static void rec_summary(doc *d)
{
    const report_options *o = d->o;
    rec_line lines[MAX_SERIES];
    int nl = rec_lines(d, is_rec_start, lines, MAX_SERIES);
    double top = 0; /* the largest sigma of the noise runs */
    for (int i = 0; i < d->rs->n; i++)
        if (is_rec_noise(&d->rs->r[i], o))
            top = fmax(top, d->rs->r[i].noise);
    for (int k = 0; k < nl; k++) {
        series rec = lines[k].s, ff = rec;
        if (!d->net_run[rec.net]->recurrent || (ff.net = ff_twin(d, rec.net)) < 0)
            continue;
        char ratio[32], rl[400], fl[400], noise[1100] = "";
        ratio_label(rec.ratio, 1, ratio, sizeof ratio);
        rec_line_label(d, &rec, rl, sizeof rl);
        rec_line_label(d, &ff, fl, sizeof fl);
        int rt, rnl, rtl, ft, fnl, ftl;
        int rn = rec_trained(d, &rec, &rt, &rnl, &rtl), fn = rec_trained(d, &ff, &ft, &fnl, &ftl);
        if (!rn || !fn)
            continue;
        double v[4096], base[4096];
        int n = top > 0 ? noise_values(d, &rec, top, v, 4096) : 0;
        int nb = n ? noise_values(d, &ff, top, base, 4096) : 0;
        if (nb) {
            stats_ttest t = stats_welch(v, n, base, nb);
            snprintf(noise, sizeof noise, " Under the largest weight-update noise (sigma %g), %s "
                     "reached %.1f%% (mean of %d) against %.1f%% (%d) for %s (Welch p = %.3g).",
                     top, rl, 100 * t.mean_a, n, 100 * t.mean_b, nb, fl, t.p);
        }
        doc_p(d, "%s: %s trained in %d of %d runs (%d of %d low-rate starts, <= %.1f Hz), %s in "
                 "%d of %d (%d of %d).%s", ratio, rl, rt, rn, rtl, rnl, o->low_rate_hz, fl, ft,
              fn, ftl, fnl, noise);
    }
}

static void section_recurrent(doc *d, const report_runs *rs)
{
    int any = 0;
    for (int i = 0; i < rs->n && !any; i++) {
        const report_run *r = &rs->r[i];
        any = r->recurrent && r->dale && (same(r->ratio, 0.8) || same(r->ratio, 0.5));
    }
    if (!any)
        return;
    doc_h2(d, "Feed-forward vs recurrent E/I networks");
    doc_p(d, "The paper's two questions put to networks whose hidden layers also carry a "
             "recurrent E/I matrix (a layer's spikes of one step arrive at the next step, signed "
             "by Dale's law like every matrix leaving a hidden layer): does a network train from "
             "its initial firing rate, and how much weight-update noise does it bear, at 80:20 "
             "and 50:50. Networks are named by their hidden sizes, \"ff\" (feed-forward) or "
             "\"rec\" (recurrent); the initial rate is over all hidden layers.");
    rec_summary(d);
    rec_trainability(d, rs);
    rec_noise(d, rs);
}

static void section_examples(doc *d)
{
    const report_options *o = d->o;
    if (!o->model || !o->data || o->data->n == 0)
        return;
    const snn_config *c = &o->model->cfg;
    snn_workspace ws;
    snn_error err;
    if (snn_workspace_alloc(&ws, c, &err) != 0) {
        doc_p(d, "(examples skipped: %s)", err.msg);
        return;
    }
    int pred = snn_forward(o->model, o->data, 0, &ws);
    doc_h2(d, "Example: hidden spike raster and membrane traces");
    FILE *f = data_file(o, "raster.dat");
    FILE *g = data_file(o, "membrane.dat");
    if (f && g) {
        fprintf(f, "# E spikes: step neuron\n");
        for (int pass = 0; pass < 2; pass++) {
            for (int t = 0; t < c->steps; t++)
                for (int j = 0; j < c->layer[0].size; j++)
                    if (ws.layer[0].spk[(size_t)t * c->layer[0].size + j] && (j < c->layer[0].n_exc) == (pass == 0))
                        fprintf(f, "%d %d\n", t, j);
            fprintf(f, pass == 0 ? "\n\n# I spikes: step neuron\n" : "\n\n");
        }
        /* Three E and three I neurons, the most active of each kind. */
        int pick[6], np = 0;
        for (int kind = 0; kind < 2; kind++) {
            int lo = kind ? c->layer[0].n_exc : 0, hi = kind ? c->layer[0].size : c->layer[0].n_exc;
            for (int r = 0; r < 3 && hi > lo; r++) {
                int best = -1, best_n = -1;
                for (int j = lo; j < hi; j++) {
                    int used = 0, cnt = 0;
                    for (int q = 0; q < np; q++)
                        used |= pick[q] == j;
                    for (int t = 0; t < c->steps && !used; t++)
                        cnt += ws.layer[0].spk[(size_t)t * c->layer[0].size + j] != 0;
                    if (!used && cnt > best_n) {
                        best = j;
                        best_n = cnt;
                    }
                }
                if (best >= 0)
                    pick[np++] = best;
            }
        }
        fprintf(g, "# step");
        for (int q = 0; q < np; q++)
            fprintf(g, " %s%d", pick[q] < c->layer[0].n_exc ? "E" : "I", pick[q]);
        fprintf(g, "\n");
        for (int t = 0; t < c->steps; t++) {
            fprintf(g, "%d", t);
            for (int q = 0; q < np; q++)
                fprintf(g, " %g", ws.layer[0].mem[(size_t)t * c->layer[0].size + pick[q]]);
            fprintf(g, "\n");
        }
        fclose(f);
        fclose(g);
        char body[2048];
        snprintf(body, sizeof body,
                 "set xlabel 'time step (ms)'\nset ylabel 'hidden neuron (index: E first, then I)'\n"
                 "set xrange [0:%d]\nset yrange [-1:%d]\n"
                 "plot 'raster.dat' index 0 using 1:2 with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'E', "
                 "'' index 1 using 1:2 with points pt 7 ps 0.5 lc rgb '#d62728' title 'I'",
                 c->steps, c->layer[0].size);
        doc_figure(d, "raster", body, 900, 450, "Hidden spikes of one test image (E blue, I red).");
        int len = snprintf(body, sizeof body,
                           "set xlabel 'time step (ms)'\n"
                           "set ylabel 'membrane potential (model units, threshold %g)'\n"
                           "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lc rgb 'gray'\nplot ",
                           c->layer[0].threshold, c->layer[0].threshold, c->layer[0].threshold);
        for (int q = 0; q < np; q++)
            len += snprintf(body + len, sizeof body - len, "%s'membrane.dat' using 1:%d with lines lt %d title '%s%d'",
                            q ? ", " : "", q + 2, q + 1, pick[q] < c->layer[0].n_exc ? "E" : "I", pick[q]);
        if (np)
            doc_figure(d, "membrane", body, 900, 450,
                       "Membrane potential of the three most active E and I neurons on the same "
                       "image; dashed: the threshold.");
        doc_p(d, "Image 0: label %d, predicted %d, %d hidden spikes.", o->data->labels[0], pred,
              ws.n_spikes);
    } else {
        if (f)
            fclose(f);
        if (g)
            fclose(g);
    }
    snn_workspace_free(&ws);
}

/* Sentences a reader wants first: did the paper's findings hold? (One set per setup
 * and network.) */
static void setup_findings(doc *d, const report_runs *rs, int setup, int net, const char *prefix)
{
    const report_options *o = d->o;
    int low = 0, low_trained = 0, high = 0, high_trained = 0;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        if (setup_of(d, r) != setup || net_of(d, r) != net || !r->dale || !same(r->ratio, 0.8) || r->noise != 0)
            continue;
        if (r->init_hz <= o->low_rate_hz) {
            low++;
            low_trained += trained(r, o);
        } else {
            high++;
            high_trained += trained(r, o);
        }
    }
    if (low + high)
        doc_p(d, "%s80:20 trains at low initial rates: %d of %d runs starting at <= %.1f Hz trained "
                 "(peak > %.0f%%), against %d of %d runs starting above.",
              prefix, low_trained, low, o->low_rate_hz, 100 * o->trained_acc, high_trained, high);
    double ee[4096], ii[4096];
    int n = 0, ii_gt = 0;
    for (int i = 0; i < rs->n && n < 4096; i++) {
        const report_run *r = &rs->r[i];
        if (setup_of(d, r) != setup || net_of(d, r) != net || !r->dale || !same(r->ratio, 0.8) || r->noise != 0 ||
            !trained(r, o) || !isfinite(r->vrd[1][VRD_II]) || !isfinite(r->vrd[1][VRD_EE]))
            continue;
        ee[n] = r->vrd[1][VRD_EE];
        ii[n] = r->vrd[1][VRD_II];
        ii_gt += ii[n] > ee[n];
        n++;
    }
    if (n)
        doc_p(d, "%sAfter training, I-I Van Rossum distances exceed E-E ones in %d of %d trained "
                 "80:20 runs (medians %.3f vs %.3f; paper: %.2f vs %.2f).",
              prefix, ii_gt, n, stats_median(ii, n), stats_median(ee, n), PAPER_VRD_II,
              PAPER_VRD_EE);
    /* Does robustness survive quantization? Integer minus float, same perturbed inputs. */
    double diff_sum = 0, diff_max = 0;
    int pairs = 0, runs = 0;
    for (int i = 0; i < rs->n; i++) {
        const report_run *r = &rs->r[i];
        if (setup_of(d, r) != setup || net_of(d, r) != net || !r->dale || !same(r->ratio, 0.8) || !trained(r, o))
            continue;
        int any = 0;
        for (int c = 0; c < ROBUST_POINTS; c++)
            if (isfinite(r->rob[c][0]) && isfinite(r->rob[c][1])) {
                double diff = r->rob[c][1] - r->rob[c][0];
                diff_sum += diff;
                diff_max = fmax(diff_max, fabs(diff));
                pairs++;
                any = 1;
            }
        runs += any;
    }
    if (pairs)
        doc_p(d, "%sRobustness after quantization: on the same perturbed inputs (%d evaluations "
                 "of %d trained 80:20 runs), the 8-bit integer model's accuracy differs from the "
                 "float model's by %+.2f pp on average (largest difference %.2f pp).",
              prefix, pairs, runs, 100 * diff_sum / pairs, 100 * diff_max);
}

static void section_findings(doc *d, const report_runs *rs)
{
    doc_h2(d, "Findings");
    for (int k = 0; k < d->n_setups; k++)
        for (int n = 0; n < d->n_nets; n++) {
            char prefix[400] = "", name[sizeof *d->setup_label], net[96];
            setup_name(d, k, name, sizeof name);
            net_name(d, n, net, sizeof net);
            if (d->n_setups > 1 && d->n_nets > 1)
                snprintf(prefix, sizeof prefix, "%s%s, network %s: ",
                         d->numbered ? "In " : "Setup ", name, net);
            else if (d->n_setups > 1)
                snprintf(prefix, sizeof prefix, "%s%s: ", d->numbered ? "In " : "Setup ", name);
            else if (d->n_nets > 1)
                snprintf(prefix, sizeof prefix, "Network %s: ", net);
            setup_findings(d, rs, k, n, prefix);
        }
}

static void section_runs(doc *d, const report_runs *rs)
{
    double cpu = 0;
    int epochs_min = 1 << 30, epochs_max = 0, ntrained = 0;
    for (int i = 0; i < rs->n; i++) {
        if (isfinite(rs->r[i].seconds))
            cpu += rs->r[i].seconds;
        epochs_min = rs->r[i].epochs < epochs_min ? rs->r[i].epochs : epochs_min;
        epochs_max = rs->r[i].epochs > epochs_max ? rs->r[i].epochs : epochs_max;
        ntrained += trained(&rs->r[i], d->o);
    }
    d->sum->runs = rs->n;
    d->sum->trained = ntrained;
    doc_p(d, "%d runs (%d duplicate lines ignored), %d to %d epochs each, %d trained; "
             "%.1f run-minutes of wall time in all.",
          rs->n, rs->duplicates, rs->n ? epochs_min : 0, epochs_max, ntrained, cpu / 60);
    if (d->n_nets > 1) {
        char list[1024] = "";
        size_t used = 0;
        for (int k = 0; k < d->n_nets && used < sizeof list; k++) {
            char net[96];
            int n = 0;
            for (int i = 0; i < rs->n; i++)
                n += d->net_of[i] == k;
            net_name(d, k, net, sizeof net);
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%d run%s)",
                                     k ? "; " : "", net, n, n == 1 ? "" : "s");
        }
        doc_p(d, "These runs train %d networks, named by their hidden layer sizes, ff "
                 "(feed-forward) or rec (recurrent E/I layers): %s. Runs of different networks "
                 "are never pooled.", d->n_nets, list);
    }
    if (d->n_setups < 2)
        return;
    /* Say it first: which setups there are and that they are kept apart. */
    char list[2048];
    setups_list(d, list, sizeof list);
    doc_p(d, "These runs come from %d different setups (data, epochs, batch, learning rate, "
             "optimiser, subset sizes or measurements): %s. Runs of different setups are never "
             "pooled: every figure, table and finding shows each setup apart (the Van Rossum "
             "figure shows one setup).", d->n_setups, list);
}

static void doc_free(doc *d)
{
    free(d->setup_of);
    free(d->setup_text);
    free(d->setup_label);
    free(d->net_of);
    free(d->net_run);
}

int report_write(const report_runs *runs, const report_options *o, report_summary *sum,
                 snn_error *err)
{
    memset(sum, 0, sizeof *sum);
    if (mkdir(o->dir, 0755) != 0 && errno != EEXIST)
        return snn_fail(err, "%s: cannot create: %s", o->dir, strerror(errno));
    char html_path[1100], md_path[1100];
    snprintf(html_path, sizeof html_path, "%s/report.html", o->dir);
    snprintf(md_path, sizeof md_path, "%s/report.md", o->dir);
    doc d = {.o = o, .sum = sum, .rs = runs};
    int rc = setups_find(&d, runs) != 0 || nets_find(&d, runs) != 0
                 ? snn_fail(err, "out of memory for %d runs", runs->n)
                 : 0;
    if (rc == 0 && atomic_open(&d.html, html_path, err) != 0)
        rc = -1;
    if (rc == 0 && atomic_open(&d.md, md_path, err) != 0) {
        atomic_abort(&d.html);
        rc = -1;
    }
    if (rc != 0) {
        doc_free(&d);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", d.html.fp);
    html_text(d.html.fp, o->title);
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:1050px;margin:2em auto;"
          "line-height:1.4}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid "
          "#ccc;padding:3px 8px;text-align:right}th{background:#eee}td:first-child{text-align:left}"
          "img{max-width:100%}figcaption{font-size:90%;color:#444}</style></head><body>\n<h1>",
          d.html.fp);
    html_text(d.html.fp, o->title);
    fputs("</h1>\n", d.html.fp);
    fprintf(d.md.fp, "# %s\n\n", o->title);
    section_runs(&d, runs);
    section_findings(&d, runs);
    section_fig1c(&d, runs);
    section_trainable(&d, runs);
    section_curves(&d, runs);
    section_fig2(&d, runs);
    section_vrd(&d, runs);
    section_robust(&d, runs);
    section_recurrent(&d, runs);
    section_examples(&d);
    doc_h2(&d, "About these figures");
    doc_p(&d, "Reference: Kilgore, Kopsick, Ascoli & Adam, Scientific Reports 15, 24798 (2025). "
              "A run trains when its peak test accuracy exceeds %.0f%%. Rates in Hz are spikes per "
              "image / hidden neurons / 0.1 s. Van Rossum normalisation and the result fields: "
              "docs/experiments.md.", 100 * o->trained_acc);
    fputs("</body></html>\n", d.html.fp);
    doc_free(&d);
    if (atomic_commit(&d.html, err) != 0) {
        atomic_abort(&d.md);
        return -1;
    }
    return atomic_commit(&d.md, err);
}
