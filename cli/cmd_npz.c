/* cmd_npz.c - `snn export` and `snn import`: models to and from NumPy .npz
 * (the keys: sw/io/npz_model.h).
 */
#include <stdio.h>

#include "../sw/io/npz_model.h"
#include "../sw/net/model.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

static int parse_io(const char *command, const char *summary, int argc, char **argv,
                    const char **in, const char **out, int *as_json)
{
    arg_spec specs[] = {
        {"--model", ARG_STRING, in, 0, -1, "input file (required)"},
        {"--out", ARG_STRING, out, 0, -1, "output file (required)"},
        {"--json", ARG_FLAG, as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse(command, summary, specs, 3, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!*in || !*out) {
        fprintf(stderr, "snn %s: --model and --out are required\n", command);
        return 2;
    }
    return -1;
}

static void print_summary(int as_json, const char *command, const char *from, const char *to,
                          const snn_config *c)
{
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "command", command);
        json_str(&j, "from", from);
        json_str(&j, "to", to);
        json_int(&j, "n_in", c->n_in);
        json_int(&j, "n_hidden", c->layer[0].size);
        json_int(&j, "n_out", c->n_out);
        json_int(&j, "n_exc", c->layer[0].n_exc);
        json_end(&j);
    } else {
        printf("%s -> %s (%dx%dx%d, %d excitatory)\n", from, to, c->n_in, c->layer[0].size,
               c->n_out, c->layer[0].n_exc);
    }
}

int cmd_export(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int as_json = 0;
    int rc = parse_io("export", "Write a model's weights and config to a NumPy .npz.", argc, argv,
                      &in, &out, &as_json);
    if (rc >= 0)
        return rc;
    snn_error err;
    snn_model m;
    if (snn_model_load(in, &m, NULL, NULL, &err) != 0) {
        fprintf(stderr, "snn export: %s\n", err.msg);
        return 1;
    }
    rc = npz_write_model(out, &m, &err);
    if (rc != 0)
        fprintf(stderr, "snn export: %s\n", err.msg);
    else
        print_summary(as_json, "export", in, out, &m.cfg);
    snn_model_free(&m);
    return rc ? 1 : 0;
}

int cmd_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int as_json = 0;
    int rc = parse_io("import", "Read weights and config from a NumPy .npz into a model file.",
                      argc, argv, &in, &out, &as_json);
    if (rc >= 0)
        return rc;
    snn_error err;
    npz_file f;
    snn_model m;
    if (npz_read(in, &f, &err) != 0) {
        fprintf(stderr, "snn import: %s\n", err.msg);
        return 1;
    }
    rc = npz_to_model(&f, in, &m, &err);
    npz_free(&f);
    if (rc == 0) {
        rc = snn_model_save(out, &m, NULL, 0, &err);
        if (rc == 0)
            print_summary(as_json, "import", in, out, &m.cfg);
        snn_model_free(&m);
    }
    if (rc != 0)
        fprintf(stderr, "snn import: %s\n", err.msg);
    return rc ? 1 : 0;
}
