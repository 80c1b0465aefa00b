/* cmd_classify.c - `snn classify`: test images through the board, checked against the reference.
 *
 * Sends each test image's spike events over the UART, runs it on the board's
 * core and reads back prediction, max[k], out[k] and the hidden spike total;
 * every one is compared with the integer reference model (qnet_run_image), so
 * the command fails if any board result differs. Reports the core's rate at
 * the board clock (cycles per image) and the UART link's own rate beside it.
 * Without --deploy (or --sim, which always deploys) the board must already
 * hold this model: its CRC-32 is checked first.
 */
#include <stdio.h>

#include "../sw/board/board_cli.h"
#include "../sw/board/board_image.h"
#include "../sw/board/board_run.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/util/json.h"
#include "../sw/util/machine.h"
#include "../sw/util/args.h"
#include "commands.h"

/* The FTDI FT2232H on the iCEBreaker and the HX8K breakout tops out at 12 Mbaud. */
#define FTDI_MAX_BAUD 12000000.0

/* Loads the model onto the board, or checks that the board already holds it. */
static int ensure_model(board_link *l, const qnet *q, const char *path, int deploy, snn_error *err)
{
    uint32_t crc;
    if (deploy)
        return board_deploy(l, q, path, &crc, err);
    drv_status st;
    int r = drv_status_read(&l->drv, &st);
    if (r != DRV_OK)
        return board_link_fail(l, r, "STATUS", err);
    if (board_image_check(q, &l->drv.info, path, err) != 0 ||
        board_model_crc(q, &l->drv.info, &crc, err) != 0)
        return -1;
    if (!st.model_valid || st.model_crc != crc)
        return snn_fail(err, "%s does not hold %s (board: %s, CRC-32 %08x; model %08x): run snn "
                        "deploy first, or pass --deploy", l->port.path, path,
                        st.model_valid ? "model" : "no model", (unsigned)st.model_crc, (unsigned)crc);
    return 0;
}

int cmd_classify(int argc, char **argv)
{
    cli_data d = {NULL, DEFAULT_DATA_DIR, 100};
    int deploy = 0, as_json = 0;
    board_link_opts o;
    enum { N_OWN = 5 };
    arg_spec specs[BOARD_LINK_N_SPECS + N_OWN];
    board_link_specs(&o, specs);
    const arg_spec own[N_OWN] = {
        CLI_MODEL_ROW(d, "quantized model the board holds (required)"),
        CLI_DATA_ROWS(d, "--images", 1, 10000, "first N test images"),
        {"--deploy", ARG_FLAG, &deploy, 0, -1, "load the model first (always with --sim)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    for (int i = 0; i < N_OWN; i++)
        specs[BOARD_LINK_N_SPECS + i] = own[i];
    int rc = args_parse("classify",
                        "Classify test images on the FPGA board; every result is checked against "
                        "the integer reference model.",
                        specs, BOARD_LINK_N_SPECS + N_OWN, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    const char *model_path = d.model;
    if (!model_path) {
        fprintf(stderr, "snn classify: --model is required: the model the board holds defines the "
                        "input encoding (steps) and every result is checked against it\n");
        return 2;
    }
    if (board_link_finish_opts(&o, "classify") != 0)
        return 2;
    snn_error err;
    qnet q;
    encoded_set test = {0};
    board_link l;
    board_classify_report r = {0};
    drv_stats before; /* line traffic before the classification */
    int opened = 0;
    rc = 1;
    if (cli_load_qnet_test(&d, &q, &test, &err) != 0) {
        fprintf(stderr, "snn classify: %s\n", err.msg);
        return 1;
    }
    if (board_link_open(&l, &o, &err) != 0)
        goto done;
    opened = 1;
    if (ensure_model(&l, &q, model_path, deploy || o.sim, &err) != 0)
        goto done;
    before = l.drv.stats;
    if (board_classify(&l, &q, &test.spikes, test.spikes.n, &r, &err) != 0)
        goto done;
    const drv_info *info = &l.drv.info;
    const drv_stats *st = &l.drv.stats;
    double n = r.images;
    double cycles = r.cycles / n;
    double core_rate = info->clk_hz / cycles;
    double line_bytes = ((st->tx_bytes - before.tx_bytes) + (st->rx_bytes - before.rx_bytes)) / n;
    double link_rate = info->baud / (10 * line_bytes);
    double link_rate_max = FTDI_MAX_BAUD / (10 * line_bytes);
    printf("%s on %s: %d images, %d results differ from the reference model%s%s\n", model_path,
           l.port.path, r.images, r.mismatches, r.mismatches ? "; first: " : "", r.first_detail);
    printf("  accuracy: board %.2f%%, reference %.2f%%\n", 100.0 * r.board_correct / n,
           100.0 * r.model_correct / n);
    printf("  core: %.0f cycles/image -> %.0f images/s at %.2f MHz\n", cycles, core_rate,
           info->clk_hz / 1e6);
    printf("  link: %.0f bytes/image on the line -> %.0f images/s at %u baud, %.0f at 12 Mbaud\n",
           line_bytes, link_rate, (unsigned)info->baud, link_rate_max);
    char machine[160];
    machine_describe(machine, sizeof machine);
    printf("  this run: %.1f images/s wall clock (%s%s); %u retries (%u timeouts, %u damaged "
           "replies, %u damaged requests)\n", n / r.seconds, o.sim ? "simulated board on " : "",
           o.sim ? machine : l.port.path, (unsigned)(st->retries - before.retries),
           (unsigned)(st->timeouts - before.timeouts), (unsigned)(st->damaged - before.damaged),
           (unsigned)(st->line_errors - before.line_errors));
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", model_path);
        json_bool(&j, "sim", o.sim);
        json_int(&j, "images", r.images);
        json_int(&j, "mismatches", r.mismatches);
        json_num(&j, "board_acc", r.board_correct / n);
        json_num(&j, "model_acc", r.model_correct / n);
        json_num(&j, "cycles_per_image", cycles);
        json_int(&j, "clk_hz", info->clk_hz);
        json_num(&j, "core_images_per_s", core_rate);
        json_num(&j, "line_bytes_per_image", line_bytes);
        json_int(&j, "baud", info->baud);
        json_num(&j, "link_images_per_s", link_rate);
        json_num(&j, "link_images_per_s_12mbaud", link_rate_max);
        json_num(&j, "wall_images_per_s", n / r.seconds);
        json_int(&j, "retries", st->retries - before.retries);
        json_int(&j, "timeouts", st->timeouts - before.timeouts);
        json_int(&j, "damaged_replies", st->damaged - before.damaged);
        json_int(&j, "damaged_requests", st->line_errors - before.line_errors);
        json_end(&j);
    }
    rc = r.mismatches ? 1 : 0;
done:
    if (rc && r.mismatches == 0)
        fprintf(stderr, "snn classify: %s\n", err.msg);
    if (opened)
        board_link_close(&l);
    encoded_set_free(&test);
    qnet_free(&q);
    return rc;
}
