/* cmd_deploy.c - `snn deploy`: load a quantized model onto a board over its UART.
 *
 * Configuration and weights go in CRC-checked frames; the board verifies the
 * whole load (byte count and CRC-32) before it will run it, and STATUS must
 * then report that CRC. The weights stay in the board's SPRAM until power-off.
 * With --sim the same exchange runs against the Verilated board (which forgets
 * it on exit: `snn classify --sim` deploys again itself).
 */
#include <stdio.h>

#include "../sw/board/board_cli.h"
#include "../sw/board/board_run.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

int cmd_deploy(int argc, char **argv)
{
    const char *model_path = NULL;
    int as_json = 0;
    board_link_opts o;
    arg_spec specs[BOARD_LINK_N_SPECS + 2];
    board_link_specs(&o, specs);
    specs[BOARD_LINK_N_SPECS] =
        (arg_spec){"--model", ARG_STRING, &model_path, 0, -1, "quantized model file (required)"};
    specs[BOARD_LINK_N_SPECS + 1] =
        (arg_spec){"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"};
    int rc = args_parse("deploy", "Load a quantized model onto the FPGA board (docs/protocol.md).",
                        specs, BOARD_LINK_N_SPECS + 2, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!model_path) {
        fprintf(stderr, "snn deploy: --model is required\n");
        return 2;
    }
    if (board_link_finish_opts(&o, "deploy") != 0)
        return 2;
    snn_error err;
    qnet q;
    if (qnet_load(model_path, &q, &err) != 0) {
        fprintf(stderr, "snn deploy: %s\n", err.msg);
        return 1;
    }
    board_link l;
    if (board_link_open(&l, &o, &err) != 0) {
        fprintf(stderr, "snn deploy: %s\n", err.msg);
        qnet_free(&q);
        return 1;
    }
    uint32_t crc = 0;
    rc = board_deploy(&l, &q, model_path, &crc, &err);
    const drv_info *info = &l.drv.info;
    const drv_stats *st = &l.drv.stats;
    if (rc == 0) {
        printf("deployed %s to %s: %u weight bytes, CRC-32 %08x verified by the board\n",
               model_path, l.port.path, (unsigned)info->weight_bytes, (unsigned)crc);
        printf("  line: %u bytes out, %u in; %u retries (%u timeouts, %u damaged replies, %u "
               "damaged requests), %u restarts of the load\n", (unsigned)st->tx_bytes,
               (unsigned)st->rx_bytes, (unsigned)st->retries, (unsigned)st->timeouts,
               (unsigned)st->damaged, (unsigned)st->line_errors, (unsigned)st->restarts);
        if (as_json) {
            json_out j;
            json_begin(&j, stdout);
            json_str(&j, "model", model_path);
            json_str(&j, "port", l.port.path);
            json_bool(&j, "sim", o.sim);
            json_int(&j, "board_id", info->board_id);
            json_int(&j, "weight_bytes", info->weight_bytes);
            char hex[16];
            snprintf(hex, sizeof hex, "%08x", (unsigned)crc);
            json_str(&j, "crc32", hex);
            json_int(&j, "tx_bytes", st->tx_bytes);
            json_int(&j, "rx_bytes", st->rx_bytes);
            json_int(&j, "retries", st->retries);
            json_int(&j, "timeouts", st->timeouts);
            json_int(&j, "restarts", st->restarts);
            json_end(&j);
        }
    } else {
        fprintf(stderr, "snn deploy: %s\n", err.msg);
    }
    board_link_close(&l);
    qnet_free(&q);
    return rc == 0 ? 0 : 1;
}
