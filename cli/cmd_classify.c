/* cmd_classify.c - `snn classify`: test images through the board, checked against the reference.
 *
 * Sends each test image's spike events over the UART, runs it on the board's
 * core and reads back prediction, max[k], out[k] and the hidden spike total;
 * every one is compared with the integer reference model (qnet_run_image), so
 * the command fails if any board result differs. Reports the core's rate at
 * the board clock (cycles per image) and the rate end to end: on a real port the
 * wall clock; on the simulated board its own clocks (line time both ways, core
 * time the line does not hide) plus the FTDI latency for every round trip.
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

/* What a round trip costs on a real FT2232H beyond the line time: the latency timer
 * (serial.c sets it to 1 ms) flushes its receive buffer to USB at the latest then. */
#define FTDI_ROUND_TRIP_S 1e-3

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
    double in_bytes = r.tx_bytes / n, out_bytes = r.rx_bytes / n;
    /* The board's time: on the simulated board its clocks (the line both ways and
     * the core time the line does not hide), plus the FTDI latency per round trip;
     * on a real port the wall clock, which includes all of it. */
    double board_s = o.sim ? (double)r.sim.clocks / info->clk_hz : r.seconds;
    /* Where the simulated board's time went: per image, the clocks a batch ran (core and
     * record copies) and the line to the board was busy; the rest is waiting. */
    double ms_clock = 1e3 / info->clk_hz / n;
    double e2e_s = o.sim ? board_s + FTDI_ROUND_TRIP_S * r.round_trips : r.seconds;
    double e2e_rate = n / e2e_s;
    printf("%s on %s: %d images, %d results differ from the reference model%s%s\n", model_path,
           l.port.path, r.images, r.mismatches, r.mismatches ? "; first: " : "", r.first_detail);
    printf("  accuracy: board %.2f%%, reference %.2f%%\n", 100.0 * r.board_correct / n,
           100.0 * r.model_correct / n);
    printf("  core: %.0f cycles/image -> %.0f images/s at %.2f MHz\n", cycles, core_rate,
           info->clk_hz / 1e6);
    printf("  line: %.1f bytes/image to the board, %.1f back, at %u baud; %u batches, %.3f round "
           "trips/image\n", in_bytes, out_bytes, (unsigned)info->baud, (unsigned)r.batches,
           r.round_trips / n);
    if (o.sim) {
        printf("  end to end: %.0f images/s: %.3f ms/image of board time (simulated clocks) + "
               "%.0f ms per round trip (FTDI latency timer at 1 ms)\n", e2e_rate,
               1e3 * board_s / n, 1e3 * FTDI_ROUND_TRIP_S);
        printf("  board time per image: %.3f ms a batch running, %.3f ms the line to the board "
               "busy, %.3f ms the line back\n", ms_clock * (double)r.sim.running,
               ms_clock * (double)r.sim.line_in, ms_clock * (double)r.sim.line_out);
    } else
        printf("  end to end: %.0f images/s (wall clock on %s)\n", e2e_rate, l.port.path);
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
        json_int(&j, "baud", info->baud);
        json_num(&j, "line_bytes_per_image", in_bytes + out_bytes);
        json_num(&j, "line_bytes_in_per_image", in_bytes);
        json_num(&j, "line_bytes_out_per_image", out_bytes);
        json_num(&j, "round_trips_per_image", r.round_trips / n);
        json_num(&j, "round_trip_latency_s", o.sim ? FTDI_ROUND_TRIP_S : 0);
        json_num(&j, "board_s_per_image", board_s / n);
        if (o.sim) {
            json_num(&j, "board_running_s_per_image", 1e-3 * ms_clock * (double)r.sim.running);
            json_num(&j, "board_line_in_s_per_image", 1e-3 * ms_clock * (double)r.sim.line_in);
            json_num(&j, "board_line_out_s_per_image", 1e-3 * ms_clock * (double)r.sim.line_out);
        }
        json_num(&j, "end_to_end_images_per_s", e2e_rate);
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
