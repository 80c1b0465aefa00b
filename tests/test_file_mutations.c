/* test_file_mutations.c - property: a damaged file is refused or reads exactly as before.
 *
 * For a small valid file of each format the project reads (.snn, .snnq, .npz,
 * IDX plain and gzip) made by the project's own writers, every truncation and
 * many byte flips (every position, several masks, plus random multi-byte
 * damage; fixed seed) are decoded. Each mutant must either fail with a
 * message naming the file, or load to exactly the original content.
 *
 * What can be asserted differs by format:
 * - .snn, .snnq: a CRC-32 over the whole file, which catches every error in
 *   up to 32 consecutive bits, so every single-byte flip and every truncation
 *   must be refused.
 * - IDX gzip: the gzip trailer carries a CRC-32 and the length of the data;
 *   only the gzip header's unchecked fields (time stamp, OS byte) can change
 *   and still load, and then the content is the same.
 * - .npz: a CRC-32 per member's data; the zip structure around it is
 *   cross-checked (directory against end record, local header against
 *   directory), and fields nobody reads (times, versions) may change.
 * - IDX plain: no checksum exists in the format, so a flipped pixel or label
 *   byte is a valid file with other content. What is asserted: damage to the
 *   header (magic, type, rank, dimensions) is refused, because the file's
 *   length must match what the header claims; a flip in the data loads with
 *   exactly that byte changed; every truncation is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/data/idx.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/io/npz.h"
#include "../sw/net/model.h"
#include "../sw/util/bytes.h"
#include "../sw/util/rng.h"

/* Decodes a file's bytes; on success writes a canonical form of what was
 * loaded into `out`, so two loads compare as byte strings. */
typedef int (*decode_fn)(const uint8_t *d, size_t n, const char *name, byte_writer *out,
                         snn_error *err);

static int decode_snn(const uint8_t *d, size_t n, const char *name, byte_writer *out,
                      snn_error *err)
{
    snn_model m;
    void *ts;
    size_t ts_len;
    if (snn_model_decode(d, n, name, &m, &ts, &ts_len, err) != 0)
        return -1;
    const snn_config *c = &m.cfg;
    const int32_t ints[] = {c->n_in,           c->layer[0].size, c->n_out,
                            c->layer[0].n_exc, c->steps,         c->dale};
    const float reals[] = {c->layer[0].alpha, c->layer[0].beta, c->layer[0].threshold};
    bw_bytes(out, ints, sizeof ints);
    bw_bytes(out, reals, sizeof reals);
    bw_bytes(out, m.ff[0], sizeof *m.ff[0] * (size_t)c->n_in * c->layer[0].size);
    bw_bytes(out, m.ff[1], sizeof *m.ff[1] * (size_t)c->layer[0].size * c->n_out);
    bw_bytes(out, ts, ts_len);
    free(ts);
    snn_model_free(&m);
    return 0;
}

static int decode_snnq(const uint8_t *d, size_t n, const char *name, byte_writer *out,
                       snn_error *err)
{
    qnet q;
    if (qnet_decode(d, n, name, &q, err) != 0)
        return -1;
    const int32_t f[] = {q.n_in, q.n_out, q.steps, q.n_layers, q.weight_bits, q.hidden_bits,
                         q.readout_bits, q.noise_bits, q.out_alpha_q, q.out_beta_q,
                         (int32_t)q.seed};
    bw_bytes(out, f, sizeof f);
    bw_bytes(out, q.layer, sizeof *q.layer * (size_t)q.n_layers);
    bw_bytes(out, q.ff[0], sizeof *q.ff[0] * qnet_weight_count(&q));
    qnet_free(&q);
    return 0;
}

static int decode_npz(const uint8_t *d, size_t n, const char *name, byte_writer *out,
                      snn_error *err)
{
    npz_file f;
    if (npz_decode(d, n, name, &f, err) != 0)
        return -1;
    for (int i = 0; i < f.n; i++) {
        const npz_array *a = &f.arrays[i];
        bw_bytes(out, a->name, sizeof a->name);
        bw_bytes(out, &a->ndim, sizeof a->ndim);
        bw_bytes(out, a->shape, sizeof a->shape);
        bw_bytes(out, a->values, sizeof *a->values * a->count);
    }
    npz_free(&f);
    return 0;
}

/* IDX content in the plain file's own layout (rank, dimensions, data), so
 * that a plain file's data bytes sit at the same offsets in both. */
static int decode_idx(const uint8_t *d, size_t n, const char *name, byte_writer *out,
                      snn_error *err)
{
    idx_array a;
    if (idx_decode(d, n, name, 1 << 20, &a, err) != 0)
        return -1;
    size_t total = 1;
    bw_bytes(out, "\0\0\x08", 3);
    bw_u8(out, (uint8_t)a.ndim);
    for (int i = 0; i < a.ndim; i++) {
        for (int b = 3; b >= 0; b--)
            bw_u8(out, (uint8_t)(a.dims[i] >> (8 * b)));
        total *= a.dims[i];
    }
    bw_bytes(out, a.data, total);
    free(a.data);
    return 0;
}

typedef struct {
    const char *name;
    decode_fn decode;
    uint8_t *bytes;
    size_t len;
    /* Bytes from here on are a payload no check covers (plain IDX data):
     * a mutant may load them as they are. SIZE_MAX: none. */
    size_t payload_from;
    int checksum_covers_all; /* every single-byte flip must be refused */
} format;

static uint8_t *file_bytes(const char *file, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, file);
    uint8_t *d;
    assert_int_equal(read_file(path, &d, len, NULL), 0);
    return d;
}

static const char *scratch(const char *file)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, file);
    return path;
}

/* --- the originals, from the project's writers -------------------------- */

static format snn_file(void)
{
    snn_config c = snn_default_config();
    c.n_in = 4, c.layer[0].size = 3, c.n_out = 2, c.layer[0].n_exc = 2, c.steps = 20;
    snn_model m;
    assert_int_equal(snn_model_alloc(&m, &c, NULL), 0);
    snn_rng rng;
    snn_rng_seed(&rng, 1, 0);
    snn_model_init(&m, 0.5, &rng);
    const char state[] = "train state";
    assert_int_equal(snn_model_save(scratch("m.snn"), &m, state, sizeof state, NULL), 0);
    snn_model_free(&m);
    format f = {"m.snn", decode_snn, NULL, 0, SIZE_MAX, 1};
    f.bytes = file_bytes(f.name, &f.len);
    return f;
}

static format snnq_file(void)
{
    qnet q = {.n_in = 4, .n_out = 2, .steps = 20, .n_layers = 1,
              .layer[0] = {.size = 3, .n_exc = 2, .theta = 300, .alpha_q = 3354, .beta_q = 3706},
              .out_alpha_q = 3354, .out_beta_q = 3706, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 20, .noise_bits = 4, .seed = 7};
    assert_int_equal(qnet_alloc(&q, NULL), 0);
    for (int i = 0; i < 12; i++)
        q.ff[0][i] = (uint16_t)(20 * i + 3);
    for (int i = 0; i < 6; i++)
        q.ff[1][i] = (uint16_t)(200 - 30 * i);
    assert_int_equal(qnet_save(scratch("m.snnq"), &q, NULL), 0);
    qnet_free(&q);
    format f = {"m.snnq", decode_snnq, NULL, 0, SIZE_MAX, 1};
    f.bytes = file_bytes(f.name, &f.len);
    return f;
}

static format npz_file_(void)
{
    double w1[12], w2[6], steps = 20;
    for (int i = 0; i < 12; i++)
        w1[i] = 0.125 * i;
    for (int i = 0; i < 6; i++)
        w2[i] = 0.5 - 0.25 * i;
    npz_entry e[] = {{"w1", 2, {4, 3}, 1, w1}, {"w2", 2, {3, 2}, 1, w2}, {"steps", 0, {0}, 0, &steps}};
    assert_int_equal(npz_write(scratch("m.npz"), e, 3, NULL), 0);
    format f = {"m.npz", decode_npz, NULL, 0, SIZE_MAX, 0};
    f.bytes = file_bytes(f.name, &f.len);
    return f;
}

/* Three 4x4 images, plain or gzipped (zlib's gzip writer). */
static format idx_file(int gz)
{
    uint8_t img[16 + 48] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4};
    for (int i = 0; i < 48; i++)
        img[16 + i] = (uint8_t)(i * 37 + 11);
    format f = {gz ? "images.gz" : "images", decode_idx, NULL, 0, gz ? SIZE_MAX : 16, 0};
    if (gz) {
        gzFile g = gzopen(scratch(f.name), "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, img, sizeof img), (int)sizeof img);
        assert_int_equal(gzclose(g), Z_OK);
        f.bytes = file_bytes(f.name, &f.len);
    } else {
        f.bytes = malloc(sizeof img);
        memcpy(f.bytes, img, sizeof img);
        f.len = sizeof img;
    }
    return f;
}

/* --- the property ------------------------------------------------------- */

typedef struct {
    int refused, same, payload_changed;
} tally;

/* Decodes one mutant (m, n) of f, flipped at positions pos[0..n_pos) (none
 * for a truncation), and checks the property; `orig` is the original's form. */
static void check_mutant(const format *f, const byte_writer *orig, const uint8_t *m, size_t n,
                         const size_t *pos, int n_pos, tally *t)
{
    byte_writer got = {0};
    snn_error err = {{0}};
    if (f->decode(m, n, f->name, &got, &err) != 0) {
        if (!strstr(err.msg, f->name))
            fail_msg("%s: mutant (%zu bytes) refused without naming the file: %s", f->name, n,
                     err.msg);
        t->refused++;
        bw_free(&got);
        return;
    }
    int touches_payload = 0, touches_checked = n_pos == 0; /* a truncation is never a payload edit */
    for (int i = 0; i < n_pos; i++) {
        touches_payload |= pos[i] >= f->payload_from;
        touches_checked |= pos[i] < f->payload_from;
    }
    if (got.len == orig->len && memcmp(got.p, orig->p, got.len) == 0) {
        t->same++;
    } else if (touches_payload && !touches_checked && got.len == orig->len &&
               memcmp(got.p, m, got.len) == 0) {
        t->payload_changed++; /* plain IDX: the data bytes load as they now are */
    } else {
        fail_msg("%s: a mutant of %zu bytes (first flip at %zu) loaded with other content",
                 f->name, n, n_pos ? pos[0] : n);
    }
    bw_free(&got);
}

static void mutate_format(format f)
{
    byte_writer orig = {0};
    snn_error err;
    if (f.decode(f.bytes, f.len, f.name, &orig, &err) != 0)
        fail_msg("the original does not load: %s", err.msg);
    uint8_t *m = malloc(f.len);
    tally trunc = {0}, flip = {0}, multi = {0};
    for (size_t n = 0; n < f.len; n++) {
        memcpy(m, f.bytes, n);
        check_mutant(&f, &orig, m, n, NULL, 0, &trunc);
    }
    snn_rng rng;
    snn_rng_seed(&rng, 2026, 10);
    for (size_t p = 0; p < f.len; p++) {
        const uint8_t masks[] = {0x01, 0x80, 0xff, (uint8_t)(1 + snn_rng_below(&rng, 255))};
        for (size_t k = 0; k < sizeof masks; k++) {
            memcpy(m, f.bytes, f.len);
            m[p] ^= masks[k];
            check_mutant(&f, &orig, m, f.len, &p, 1, &flip);
        }
    }
    for (int trial = 0; trial < 500; trial++) {
        memcpy(m, f.bytes, f.len);
        size_t pos[4];
        int n_pos = 2 + (int)snn_rng_below(&rng, 3);
        for (int i = 0; i < n_pos; i++) {
            pos[i] = snn_rng_below(&rng, (uint32_t)f.len);
            m[pos[i]] ^= (uint8_t)(1 + snn_rng_below(&rng, 255));
        }
        check_mutant(&f, &orig, m, f.len, pos, n_pos, &multi);
    }
    /* Every format refuses every truncation: lengths are checked or checksummed. */
    assert_int_equal(trunc.refused, (int)f.len);
    if (f.checksum_covers_all)
        assert_int_equal(flip.refused, 4 * (int)f.len);
    else
        assert_true(flip.refused > 0 && multi.refused > 0);
    if (f.payload_from == SIZE_MAX)
        assert_int_equal(flip.payload_changed + multi.payload_changed, 0);
    free(m);
    free(f.bytes);
    bw_free(&orig);
}

static void test_snn_mutants(void **state) { (void)state, mutate_format(snn_file()); }
static void test_snnq_mutants(void **state) { (void)state, mutate_format(snnq_file()); }
static void test_npz_mutants(void **state) { (void)state, mutate_format(npz_file_()); }
static void test_idx_plain_mutants(void **state) { (void)state, mutate_format(idx_file(0)); }
static void test_idx_gzip_mutants(void **state) { (void)state, mutate_format(idx_file(1)); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snn_mutants),      cmocka_unit_test(test_snnq_mutants),
        cmocka_unit_test(test_npz_mutants),      cmocka_unit_test(test_idx_plain_mutants),
        cmocka_unit_test(test_idx_gzip_mutants),
    };
    return cmocka_run_group_tests_name("file_mutations", tests, scratch_dir_setup,
                                       scratch_dir_teardown);
}
