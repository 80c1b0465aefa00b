/* board_run.h - what the host does with a board session: deploy a model,
 * classify images and check every result against the integer reference model.
 *
 * A board result is accepted only from a reply with a good CRC (driver.h);
 * the comparison with qnet_run_image is what shows that no wrong result got
 * through. Not here: opening the session (board_link.h), printing (cli/).
 */
#ifndef SNN_BOARD_RUN_H
#define SNN_BOARD_RUN_H

#include <stdint.h>

#include "../data/dataset.h"
#include "../fixed/qnet.h"
#include "board_link.h"

/* Checks q against the board, loads it and has the board verify it; *crc
 * receives the CRC-32 the board now reports in STATUS. `what` names q. */
int board_deploy(board_link *l, const qnet *q, const char *what, uint32_t *crc, snn_error *err);

/* The CRC-32 board_deploy would produce for q (to see whether a board holds q). */
int board_model_crc(const qnet *q, const drv_info *info, uint32_t *crc, snn_error *err);

typedef struct {
    int images;
    int board_correct, model_correct; /* predictions equal to the label */
    int mismatches;                   /* images where any board value differs from the model */
    int first_mismatch;               /* its index, -1 if none */
    char first_detail[160];           /* what differed there */
    uint64_t cycles;                  /* core cycles (start to done), summed */
    uint64_t event_bits;              /* image codes packed into batches, summed */
    uint64_t tx_bytes, rx_bytes;      /* on the line, each direction, retries included */
    uint32_t round_trips;             /* waits for a reply (drv_stats.waits) */
    uint32_t batches;                 /* CLASSIFY requests answered */
    board_clocks sim;                 /* simulated board: what its clocks did in the run
                                       * (0: a real board) */
    double seconds;                   /* wall time of the exchange */
} board_classify_report;

/* Classifies samples 0 .. n-1 of data on the board (noise image index = sample
 * index, spec §5.2) and compares prediction, max[k], out[k] and the hidden spike
 * total with qnet_run_image. A mismatch is reported, not an error; errors are
 * the link failing or data not fitting q. */
int board_classify(board_link *l, const qnet *q, const spike_data *data, int n,
                   board_classify_report *r, snn_error *err);

#endif
