/* cmd_npz.c - `snn export` and `snn import`: models to and from NumPy .npz (the
 * keys: sw/io/npz_model.h) and NIR graphs (HDF5, sw/io/nir.h; docs/interop.md).
 * Export picks the format by the output's extension; import by the input's
 * first bytes (HDF5 signature: NIR; zip: .npz).
 */
#include <stdio.h>
#include <string.h>

#include "../sw/format/h5guard.h"
#include "../sw/io/nir.h"
#include "../sw/io/npz_model.h"
#include "../sw/net/model.h"
#include "../sw/util/args.h"
#include "../sw/util/json.h"
#include "commands.h"

typedef enum { FMT_NONE, FMT_NPZ, FMT_NIR } file_format;

static const char *const layout_name[] = {"auto", "ours", "torch"};

/* "784-100-10" with an "r" after each recurrent hidden size. */
static void arch_string(const snn_config *c, char *buf, size_t len)
{
    size_t at = (size_t)snprintf(buf, len, "%d", c->n_in);
    for (int l = 0; l < c->n_layers && at < len; l++)
        at += (size_t)snprintf(buf + at, len - at, "-%d%s", c->layer[l].size,
                               c->layer[l].recurrent ? "r" : "");
    if (at < len)
        snprintf(buf + at, len - at, "-%d", c->n_out);
}

static void print_summary(int as_json, const char *command, const char *from, const char *to,
                          const char *format, const snn_config *c, const char *layout,
                          const char *ignored)
{
    char arch[128], exc[64] = "";
    arch_string(c, arch, sizeof arch);
    for (int l = 0, at = 0; l < c->n_layers; l++)
        at += snprintf(exc + at, sizeof exc - (size_t)at, "%s%d", l ? "," : "", c->layer[l].n_exc);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "command", command);
        json_str(&j, "from", from);
        json_str(&j, "to", to);
        json_str(&j, "format", format);
        json_str(&j, "arch", arch);
        json_int(&j, "n_in", c->n_in);
        json_int(&j, "n_hidden", c->layer[0].size);
        json_int(&j, "n_out", c->n_out);
        json_int(&j, "n_exc", c->layer[0].n_exc);
        json_int(&j, "dale", c->dale);
        if (layout)
            json_str(&j, "layout", layout);
        if (ignored)
            json_str(&j, "ignored", ignored);
        json_end(&j);
        return;
    }
    if (layout)
        printf("layout: %s\n", strcmp(layout, "torch") == 0
                                   ? "torch: nn.Linear's (out, in), transposed to (in, out)"
                                   : "ours: (in, out)");
    if (ignored)
        printf("ignored arrays: %s\n", ignored[0] ? ignored : "none");
    printf("%s -> %s (%s %s, excitatory %s%s)\n", from, to, format, arch, exc,
           c->dale ? "" : ", no Dale's law");
}

/* The format an export to path writes: by its extension. */
static file_format format_of_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return FMT_NONE;
    return strcmp(dot, ".npz") == 0 ? FMT_NPZ
           : strcmp(dot, ".nir") == 0 || strcmp(dot, ".h5") == 0 || strcmp(dot, ".hdf5") == 0
               ? FMT_NIR
               : FMT_NONE;
}

/* The format of an existing file: by its first bytes. */
static file_format format_of_content(const char *path)
{
    if (h5_has_signature(path))
        return FMT_NIR;
    unsigned char b[4];
    FILE *f = fopen(path, "rb");
    int zip = f && fread(b, 1, 4, f) == 4 && b[0] == 'P' && b[1] == 'K' &&
              ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
    if (f)
        fclose(f);
    return zip ? FMT_NPZ : FMT_NONE;
}

int cmd_export(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int as_json = 0;
    arg_spec specs[] = {
        {"--model", ARG_STRING, &in, 0, -1, "model file to export (required)"},
        {"--out", ARG_STRING, &out, 0, -1,
         "output (required): F.npz (NumPy) or F.nir (NIR graph, HDF5; also .h5, .hdf5)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("export", "Write a model to a NumPy .npz or a NIR graph (.nir).", specs,
                        3, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!in || !out) {
        fprintf(stderr, "snn export: --model and --out are required\n");
        return 2;
    }
    file_format fmt = format_of_name(out);
    if (fmt == FMT_NONE) {
        fprintf(stderr, "snn export: %s: name it F.npz (NumPy) or F.nir (NIR)\n", out);
        return 2;
    }
    snn_error err;
    snn_model m;
    if (snn_model_load(in, &m, NULL, NULL, &err) != 0) {
        fprintf(stderr, "snn export: %s\n", err.msg);
        return 1;
    }
    rc = fmt == FMT_NIR ? nir_write_model(out, &m, &err) : npz_write_model(out, &m, &err);
    if (rc != 0)
        fprintf(stderr, "snn export: %s\n", err.msg);
    else
        print_summary(as_json, "export", in, out, fmt == FMT_NIR ? "nir" : "npz", &m.cfg, NULL,
                      NULL);
    snn_model_free(&m);
    return rc ? 1 : 0;
}

/* Reads an .npz into m in the layout asked for; says which it found and what it ignored. */
static int import_npz(const char *in, const char *layout_opt, snn_model *m, npz_layout *found,
                      char *ignored, size_t ignored_len, snn_error *err)
{
    npz_layout want = NPZ_LAYOUT_AUTO;
    for (int k = 0; layout_opt && k < 3; k++)
        if (strcmp(layout_opt, layout_name[k]) == 0)
            want = (npz_layout)k;
    npz_file f;
    if (npz_read(in, &f, err) != 0)
        return -1;
    int rc = npz_resolve_layout(&f, in, want, found, err);
    if (rc == 0)
        rc = npz_to_model(&f, in, m, err);
    npz_ignored_keys(&f, ignored, ignored_len);
    npz_free(&f);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *layout_opt = NULL;
    double dt = 0;
    int as_json = 0;
    arg_spec specs[] = {
        {"--model", ARG_STRING, &in, 0, -1,
         "file to import (required): a NumPy .npz or a NIR graph (HDF5), told by its content"},
        {"--out", ARG_STRING, &out, 0, -1, "model file to write (required)"},
        {"--layout", ARG_STRING, &layout_opt, 0, -1,
         ".npz only: the matrices' layout, ours ((in, out)) or torch (nn.Linear's (out, in)); "
         "default: from the shapes (an error when both fit)"},
        {"--dt", ARG_DOUBLE, &dt, 1e-9, 10,
         "NIR only: seconds per step the file's time constants are read at (snnTorch writes "
         "for 1e-4); default: the file's metadata dt, else 0.001"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("import", "Read a NumPy .npz or a NIR graph (.nir) into a model file.",
                        specs, 5, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!in || !out) {
        fprintf(stderr, "snn import: --model and --out are required\n");
        return 2;
    }
    if (layout_opt && strcmp(layout_opt, "ours") != 0 && strcmp(layout_opt, "torch") != 0 &&
        strcmp(layout_opt, "auto") != 0) {
        fprintf(stderr, "snn import: --layout %s: use ours, torch or auto\n", layout_opt);
        return 2;
    }
    file_format fmt = format_of_content(in);
    if (fmt == FMT_NONE) {
        fprintf(stderr, "snn import: %s: neither a NIR graph (HDF5) nor a NumPy .npz (zip), or "
                "unreadable\n", in);
        return 1;
    }
    if ((fmt == FMT_NIR && layout_opt) || (fmt == FMT_NPZ && dt > 0)) {
        fprintf(stderr, "snn import: %s is %s: %s applies to %s only\n", in,
                fmt == FMT_NIR ? "a NIR graph" : "a .npz", fmt == FMT_NIR ? "--layout" : "--dt",
                fmt == FMT_NIR ? ".npz" : "NIR");
        return 2;
    }
    snn_error err;
    snn_model m;
    npz_layout found = NPZ_LAYOUT_OURS;
    char ignored[512] = "";
    rc = fmt == FMT_NIR ? nir_read_model(in, dt, &m, &err)
                        : import_npz(in, layout_opt, &m, &found, ignored, sizeof ignored, &err);
    if (rc == 0) {
        rc = snn_model_save(out, &m, NULL, 0, &err);
        if (rc == 0)
            print_summary(as_json, "import", in, out, fmt == FMT_NIR ? "nir" : "npz", &m.cfg,
                          fmt == FMT_NPZ ? layout_name[found] : NULL,
                          fmt == FMT_NPZ ? ignored : NULL);
        snn_model_free(&m);
    }
    if (rc != 0)
        fprintf(stderr, "snn import: %s\n", err.msg);
    return rc ? 1 : 0;
}
