/* cmd_sweep_bits.c - `snn sweep-bits`: float vs fixed test accuracy over widths.
 *
 * For a float model (and optionally QAT-trained models) quantizes at weight
 * widths 8..2 bits and a list of hidden-register widths, runs the integer
 * reference model on the test set, and writes the table as text
 * (sweep-bits.txt, also printed), CSV (sweep-bits.csv) and a gnuplot plot
 * (sweep-bits.dat + sweep-bits.gp -> sweep-bits.png) into --out.
 * A width pair where some layer's threshold does not fit H bits is reported
 * as n/a; "min" is the smallest H that holds every layer's threshold.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sw/fixed/qeval.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/fixed/quantize.h"
#include "../sw/train/train.h"
#include "../sw/util/atomic_file.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

#define MAX_BITS 8
#define MIN_BITS 2
#define N_BITS (MAX_BITS - MIN_BITS + 1)
#define MAX_MODELS 8
#define MAX_WIDTHS 8
#define READOUT_BITS 32

typedef struct {
    const char *path;
    int qat;                    /* trained with --qat */
    double float_acc;
    double acc[N_BITS][MAX_WIDTHS];   /* NAN: theta unrepresentable */
    double agree[N_BITS][MAX_WIDTHS];
    int used_h[N_BITS][MAX_WIDTHS];   /* H actually used (resolves "min") */
    uint64_t sat[N_BITS][MAX_WIDTHS]; /* saturation events of all kinds */
} sweep_row;

/* Splits a comma-separated list in place into at most cap items. */
static int split_list(char *s, char **items, int cap)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ","))
        if (n < cap)
            items[n++] = tok;
        else
            return -1;
    return n;
}

static double agreement(const int *a, const int *b, int n)
{
    int same = 0;
    for (int i = 0; i < n; i++)
        same += a[i] == b[i];
    return n ? (double)same / n : 0;
}

/* One model through every (B, H) pair. */
static int sweep_model(sweep_row *row, const spike_data *test, const char *data_dir,
                       const int *widths, int n_widths, int threads, int *fpred, int *pred,
                       snn_error *err)
{
    snn_model m;
    if (snn_model_load(row->path, &m, NULL, NULL, err) != 0)
        return -1;
    snn_eval_stats fs;
    int rc = -1;
    if (m.cfg.steps != test->steps) {
        snn_fail(err, "%s: %d steps, but the first model has %d", row->path, m.cfg.steps,
                 test->steps);
        goto done;
    }
    if (spike_data_check_shape(test, m.cfg.n_in, m.cfg.n_out, data_dir, err) != 0)
        goto done;
    if (snn_evaluate(&m, test, threads, &fs, fpred, err) != 0)
        goto done;
    row->float_acc = fs.acc;
    for (int b = 0; b < N_BITS; b++) {
        quant_options o = quant_default_options();
        o.weight_bits = MAX_BITS - b;
        o.hidden_bits = 32;
        o.readout_bits = READOUT_BITS;
        qnet q;
        /* At the widest H, any failure is a real error; narrower H can only
         * fail on theta, which is then reported as n/a. */
        if (quantize_model(&m, &o, row->path, &q, NULL, err) != 0)
            goto done;
        int32_t theta = 0; /* the largest of the layers': H is one width for all */
        for (int l = 0; l < q.n_layers; l++)
            theta = q.layer[l].theta > theta ? q.layer[l].theta : theta;
        qnet_free(&q);
        for (int h = 0; h < n_widths; h++) {
            row->acc[b][h] = row->agree[b][h] = NAN;
            row->sat[b][h] = 0;
            int bits = widths[h] ? widths[h] : quantize_signed_bits(theta);
            row->used_h[b][h] = bits < 8 ? 8 : bits;
            if (theta > (int32_t)((1u << (row->used_h[b][h] - 1)) - 1))
                continue;
            o.hidden_bits = row->used_h[b][h];
            if (quantize_model(&m, &o, row->path, &q, NULL, err) != 0)
                goto done;
            qnet_eval_stats s;
            int erc = qnet_evaluate(&q, test, threads, &s, pred, err);
            qnet_free(&q);
            if (erc != 0)
                goto done;
            row->acc[b][h] = s.acc;
            row->agree[b][h] = agreement(pred, fpred, test->n);
            for (int k = 0; k < SAT_KINDS; k++)
                row->sat[b][h] += s.sat[k];
        }
    }
    rc = 0;
done:
    snn_model_free(&m);
    return rc;
}

/* "24", or "min" for 0: the smallest H that holds theta at each B. */
static const char *width_name(int w, char *buf, size_t cap)
{
    if (w)
        snprintf(buf, cap, "%d", w);
    else
        snprintf(buf, cap, "min");
    return buf;
}

static void write_table(FILE *f, const sweep_row *rows, int n_rows, const int *widths,
                        int n_widths, int n_images)
{
    fprintf(f, "test accuracy (%%) on %d images, fixed point at weight bits B and hidden bits H "
            "(readout %d bits); n/a: theta does not fit H bits\n", n_images, READOUT_BITS);
    for (int r = 0; r < n_rows; r++) {
        fprintf(f, "\n%s%s: float %.2f\n  %2s %6s", rows[r].path, rows[r].qat ? " (QAT)" : "",
                100 * rows[r].float_acc, "B", "float");
        for (int h = 0; h < n_widths; h++)
            if (widths[h])
                fprintf(f, "  H=%-4d", widths[h]);
            else
                fprintf(f, "  H=min(H)  ");
        char name[16];
        fprintf(f, "  agree(H=%s)\n", width_name(widths[0], name, sizeof name));
        for (int b = 0; b < N_BITS; b++) {
            fprintf(f, "  %2d %6.2f", MAX_BITS - b, 100 * rows[r].float_acc);
            for (int h = 0; h < n_widths; h++)
                if (isnan(rows[r].acc[b][h]))
                    fprintf(f, "  %6s", "n/a");
                else if (widths[h])
                    fprintf(f, "  %6.2f", 100 * rows[r].acc[b][h]);
                else
                    fprintf(f, "  %5.2f(%d)", 100 * rows[r].acc[b][h], rows[r].used_h[b][h]);
            fprintf(f, "  %6.2f\n", 100 * rows[r].agree[b][0]);
        }
    }
}

static void write_csv(FILE *f, const sweep_row *rows, int n_rows, int n_widths)
{
    fprintf(f, "model,qat,weight_bits,hidden_bits,readout_bits,float_acc,fixed_acc,agreement,"
            "saturations\n");
    for (int r = 0; r < n_rows; r++)
        for (int b = 0; b < N_BITS; b++)
            for (int h = 0; h < n_widths; h++) {
                fprintf(f, "%s,%d,%d,%d,%d,%.4f,", rows[r].path, rows[r].qat, MAX_BITS - b,
                        rows[r].used_h[b][h], READOUT_BITS, rows[r].float_acc);
                if (isnan(rows[r].acc[b][h]))
                    fprintf(f, ",,\n");
                else
                    fprintf(f, "%.4f,%.4f,%llu\n", rows[r].acc[b][h], rows[r].agree[b][h],
                            (unsigned long long)rows[r].sat[b][h]);
            }
}

/* Columns: B, then per model its float accuracy and its fixed accuracy at each H
 * (the first model) or at the widest H (QAT models). */
static void write_dat(FILE *f, const sweep_row *rows, int n_rows, int n_widths)
{
    fprintf(f, "# weight_bits, then per model: float_acc, fixed_acc per hidden width\n");
    for (int b = 0; b < N_BITS; b++) {
        fprintf(f, "%d", MAX_BITS - b);
        for (int r = 0; r < n_rows; r++) {
            fprintf(f, " %.4f", 100 * rows[r].float_acc);
            for (int h = 0; h < (r == 0 ? n_widths : 1); h++)
                fprintf(f, isnan(rows[r].acc[b][h]) ? " NaN" : " %.4f", 100 * rows[r].acc[b][h]);
        }
        fprintf(f, "\n");
    }
}

static void write_gp(FILE *f, const sweep_row *rows, int n_rows, const int *widths, int n_widths)
{
    fprintf(f, "# gnuplot script of snn sweep-bits: run in this directory (gnuplot sweep-bits.gp)\n"
            "set terminal pngcairo size 900,600 noenhanced\n"
            "set output 'sweep-bits.png'\n"
            "set title 'Float vs fixed-point test accuracy'\n"
            "set xlabel 'weight bits B'\nset ylabel 'test accuracy (%%)'\n"
            "set xrange [%d.5:%d.5] reverse\nset xtics 1\nset key bottom left\n"
            "set datafile missing 'NaN'\nset grid\n", MIN_BITS - 1, MAX_BITS);
    fprintf(f, "plot ");
    int col = 2;
    for (int r = 0; r < n_rows; r++) {
        const char *slash = strrchr(rows[r].path, '/');
        const char *name = slash ? slash + 1 : rows[r].path;
        fprintf(f, "%s'sweep-bits.dat' using 1:%d with lines dashtype 2 title '%s%s float'",
                r ? ", \\\n     " : "", col++, name, rows[r].qat ? " (QAT)" : "");
        for (int h = 0; h < (r == 0 ? n_widths : 1); h++)
        {
            char wname[16];
            fprintf(f, ", \\\n     'sweep-bits.dat' using 1:%d with linespoints "
                    "title '%s%s fixed H=%s'", col++, name, rows[r].qat ? " (QAT)" : "",
                    width_name(widths[h], wname, sizeof wname));
        }
    }
    fprintf(f, "\n");
}

static int write_file(const char *dir, const char *name, const sweep_row *rows, int n_rows,
                      const int *widths, int n_widths, int n_images, int which, snn_error *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    atomic_file af;
    if (atomic_open(&af, path, err) != 0)
        return -1;
    if (which == 0)
        write_table(af.fp, rows, n_rows, widths, n_widths, n_images);
    else if (which == 1)
        write_csv(af.fp, rows, n_rows, n_widths);
    else if (which == 2)
        write_dat(af.fp, rows, n_rows, n_widths);
    else
        write_gp(af.fp, rows, n_rows, widths, n_widths);
    return atomic_commit(&af, err);
}

/* Runs `gnuplot sweep-bits.gp` inside dir. */
static int run_gnuplot(const char *dir, snn_error *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return snn_fail(err, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) == 0)
            execlp("gnuplot", "gnuplot", "sweep-bits.gp", (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return snn_fail(err, "%s/sweep-bits.gp: gnuplot failed (exit %d; is gnuplot-nox "
                        "installed?)", dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

int cmd_sweep_bits(int argc, char **argv)
{
    cli_data d = CLI_DATA_DEFAULTS;
    const char *qat_arg = NULL, *out_dir = NULL, *width_arg = "24,16,12,min";
    int threads = 0, as_json = 0;
    arg_spec specs[] = {
        CLI_MODEL_ROW(d, "float model file"),
        {"--qat-model", ARG_STRING, &qat_arg, 0, -1,
         "QAT-trained model(s), comma-separated, swept at the first hidden width"},
        {"--out", ARG_STRING, &out_dir, 0, -1, "directory for the table, CSV and plot (required)"},
        {"--hidden-bits", ARG_STRING, &width_arg, 0, -1,
         "hidden widths H, comma-separated, the first also for QAT models; 'min': the "
         "smallest that holds theta"},
        CLI_DATA_ROWS(d, "--limit", 0, 1 << 30, "first N test samples (0 = all)"),
        {"--threads", ARG_INT, &threads, 0, 1024, "threads (0 = all cores)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("sweep-bits",
                        "Float vs fixed-point test accuracy for weight widths 8..2 and several "
                        "hidden-register widths: text table, CSV and PNG plot.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    const char *model_path = d.model, *data_dir = d.dir;
    if (!model_path || !out_dir) {
        fprintf(stderr, "snn sweep-bits: --model and --out are required\n");
        return 2;
    }
    char width_buf[256], qat_buf[4096];
    char *width_items[MAX_WIDTHS], *qat_items[MAX_MODELS - 1];
    snprintf(width_buf, sizeof width_buf, "%s", width_arg);
    snprintf(qat_buf, sizeof qat_buf, "%s", qat_arg ? qat_arg : "");
    int n_widths = split_list(width_buf, width_items, MAX_WIDTHS);
    int n_qat = split_list(qat_buf, qat_items, MAX_MODELS - 1);
    int widths[MAX_WIDTHS];
    for (int h = 0; h < n_widths; h++) {
        char *end;
        long v = strcmp(width_items[h], "min") == 0 ? 0 : strtol(width_items[h], &end, 10);
        if (v != 0 && (*end || v < 8 || v > 32)) {
            fprintf(stderr, "snn sweep-bits: --hidden-bits: '%s' is neither a width in 8..32 "
                    "nor 'min'\n",
                    width_items[h]);
            return 2;
        }
        widths[h] = (int)v;
    }
    if (n_widths < 1 || n_qat < 0) {
        fprintf(stderr, "snn sweep-bits: give 1..%d hidden widths and at most %d QAT models\n",
                MAX_WIDTHS, MAX_MODELS - 1);
        return 2;
    }
    snn_error err;
    snn_model first;
    if (snn_model_load(model_path, &first, NULL, NULL, &err) != 0) {
        fprintf(stderr, "snn sweep-bits: %s\n", err.msg);
        return 1;
    }
    int steps = first.cfg.steps;
    snn_model_free(&first);
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "snn sweep-bits: %s: cannot create directory: %s\n", out_dir,
                strerror(errno));
        return 1;
    }
    encoded_set test;
    if (encoded_set_load(data_dir, "t10k", d.limit, steps, &test, &err) != 0) {
        fprintf(stderr, "snn sweep-bits: %s\n", err.msg);
        return 1;
    }
    int n_rows = 1 + n_qat, n = test.spikes.n;
    sweep_row *rows = calloc((size_t)n_rows, sizeof *rows);
    int *fpred = malloc(sizeof *fpred * (size_t)(n ? n : 1));
    int *pred = malloc(sizeof *pred * (size_t)(n ? n : 1));
    rc = 1;
    if (!rows || !fpred || !pred) {
        snn_fail(&err, "out of memory");
        goto done;
    }
    for (int r = 0; r < n_rows; r++) {
        rows[r].path = r ? qat_items[r - 1] : model_path;
        rows[r].qat = r > 0;
        if (sweep_model(&rows[r], &test.spikes, data_dir, widths, n_widths, threads, fpred, pred,
                        &err) != 0)
            goto done;
    }
    static const char *const names[] = {"sweep-bits.txt", "sweep-bits.csv", "sweep-bits.dat",
                                        "sweep-bits.gp"};
    for (int w = 0; w < 4; w++)
        if (write_file(out_dir, names[w], rows, n_rows, widths, n_widths, n, w, &err) != 0)
            goto done;
    if (run_gnuplot(out_dir, &err) != 0)
        goto done;
    write_table(stdout, rows, n_rows, widths, n_widths, n);
    printf("\nwrote %s/sweep-bits.{txt,csv,dat,gp,png}\n", out_dir);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "out", out_dir);
        json_int(&j, "images", n);
        json_num(&j, "float_acc", rows[0].float_acc);
        char buf[256];
        int len = 0;
        for (int b = 0; b < N_BITS; b++) {
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%s\"%d\":", b ? "," : "{",
                            MAX_BITS - b);
            len += isnan(rows[0].acc[b][0])
                       ? snprintf(buf + len, sizeof buf - (size_t)len, "null")
                       : snprintf(buf + len, sizeof buf - (size_t)len, "%.4f", rows[0].acc[b][0]);
        }
        snprintf(buf + len, sizeof buf - (size_t)len, "}");
        json_raw(&j, "fixed_acc_by_weight_bits", buf);
        json_int(&j, "hidden_bits", widths[0]);
        json_end(&j);
    }
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "snn sweep-bits: %s\n", err.msg);
    free(rows);
    free(fpred);
    free(pred);
    encoded_set_free(&test);
    return rc;
}
