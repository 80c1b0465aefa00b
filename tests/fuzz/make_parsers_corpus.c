/* make_parsers_corpus.c - writes the seed corpora of fuzz_idx, fuzz_snn,
 * fuzz_snnq and fuzz_npz with the project's own writers: a 4-3-2 network as
 * .snn (with and without training state), .snnq (and a 4-3r-2-2 one, format
 * version 2) and .npz (stored, and one
 * deflated member as np.savez_compressed writes), a two-layer recurrent network
 * as .snn and .npz, bare .npy arrays, a tiny IDX
 * image/label pair plain and gzipped, and edge cases (a gzip stream without
 * its trailer, a header claiming 4 GiB, the 42-byte zip64 file that crashed
 * `snn import`). The snn/v1_*.snn seeds are the same 4-3-2 models in model format
 * version 1, as the writer before the general network (a97a37c) made them; kept
 * as they are since version 1 is still read. Run once from the top, commit the files:
 *   cc -std=c11 -D_GNU_SOURCE tests/fuzz/make_parsers_corpus.c sw/net/model.c \
 *      sw/fixed/qnet_io.c sw/fixed/qnet.c sw/io/npz.c sw/io/npz_model.c sw/util/bytes.c \
 *      sw/util/atomic_file.c sw/util/error.c sw/util/rng.c -lz -lm -o /tmp/mk && /tmp/mk */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "../../sw/fixed/qnet_io.h"
#include "../../sw/io/npz.h"
#include "../../sw/io/npz_model.h"
#include "../../sw/net/model.h"
#include "../../sw/util/atomic_file.h"
#include "../../sw/util/bytes.h"

#define DIR "tests/fuzz/corpus/"

static void put(const char *path, const void *data, size_t len)
{
    snn_error err;
    if (atomic_write(path, data, len, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
}

/* src deflated: raw (windowBits -15, zip members) or gzip (31). */
static uint8_t *deflate_bytes(const uint8_t *src, size_t len, int window_bits, size_t *out_len)
{
    z_stream z = {0};
    deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&z, (uLong)len);
    uint8_t *out = malloc(cap);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static void idx_corpus(void)
{
    uint8_t img[16 + 48] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4};
    for (int i = 0; i < 48; i++)
        img[16 + i] = (uint8_t)(i * 37 + 11);
    const uint8_t lab[8 + 3] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 9, 4};
    const uint8_t huge[16] = {0, 0, 8, 3, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0};
    put(DIR "idx/images", img, sizeof img);
    put(DIR "idx/labels", lab, sizeof lab);
    put(DIR "idx/huge_claim", huge, sizeof huge);
    size_t n;
    uint8_t *gz = deflate_bytes(img, sizeof img, 31, &n);
    put(DIR "idx/images.gz", gz, n);
    put(DIR "idx/images_no_trailer.gz", gz, n - 8);
    free(gz);
    gz = deflate_bytes(lab, sizeof lab, 31, &n);
    put(DIR "idx/labels.gz", gz, n);
    free(gz);
    gz = deflate_bytes(huge, sizeof huge, 31, &n);
    put(DIR "idx/huge_claim.gz", gz, n);
    free(gz);
}

static void model_corpus(snn_model *m)
{
    snn_config c = snn_default_config();
    c.n_in = 4, c.layer[0].size = 3, c.n_out = 2, c.layer[0].n_exc = 2, c.steps = 20;
    snn_model_alloc(m, &c, NULL);
    snn_rng rng;
    snn_rng_seed(&rng, 1, 0);
    snn_model_init(m, 0.5, &rng);
    const char state[] = "training state";
    snn_model_save(DIR "snn/m432.snn", m, NULL, 0, NULL);
    snn_model_save(DIR "snn/m432_state.snn", m, state, sizeof state, NULL);
    snn_model nodale;
    c.dale = 0;
    snn_model_alloc(&nodale, &c, NULL);
    snn_model_init(&nodale, 0.5, &rng);
    snn_model_save(DIR "snn/m432_nodale.snn", &nodale, NULL, 0, NULL);
    snn_model_free(&nodale);
    /* 4 -> 3 (recurrent, 2 E) -> 2 (recurrent, 1 E) -> 2, readout decays of its own. */
    snn_model deep;
    c.dale = 1, c.n_layers = 2, c.out_alpha = 0.5f, c.out_beta = 0.8f;
    c.layer[0].recurrent = 1;
    c.layer[1] = c.layer[0];
    c.layer[1].size = 2, c.layer[1].n_exc = 1, c.layer[1].threshold = 0.5f;
    snn_model_alloc(&deep, &c, NULL);
    snn_model_init(&deep, 0.5, &rng);
    snn_model_save(DIR "snn/deep_4_3r_2r_2_state.snn", &deep, state, sizeof state, NULL);
    npz_write_model(DIR "npz/deep_4_3r_2r_2.npz", &deep, NULL);
    snn_model_free(&deep);
}

static void qmodel_corpus(void)
{
    qnet q = {.n_in = 4, .n_out = 2, .steps = 20, .n_layers = 1,
              .layer[0] = {.size = 3, .n_exc = 2, .theta = 300, .alpha_q = 3354, .beta_q = 3706},
              .out_alpha_q = 3354, .out_beta_q = 3706, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 20, .noise_bits = 4, .seed = 7};
    qnet_alloc(&q, NULL);
    for (int i = 0; i < 12; i++)
        q.ff[0][i] = (uint16_t)(20 * i + 3);
    for (int i = 0; i < 6; i++)
        q.ff[1][i] = (uint16_t)(200 - 30 * i);
    qnet_save(DIR "snnq/q432.snnq", &q, NULL);
    q.noise_bits = 0;
    qnet_save(DIR "snnq/q432_nonoise.snnq", &q, NULL);
    qnet_free(&q);
    /* format version 2: two layers, the first recurrent, the readout with its own decays */
    qnet d = {.n_in = 4, .n_out = 2, .steps = 20, .n_layers = 2,
              .layer = {{.size = 3, .n_exc = 2, .recurrent = 1, .theta = 300, .alpha_q = 3354,
                         .beta_q = 3706},
                        {.size = 2, .n_exc = 1, .theta = 90, .alpha_q = 2048, .beta_q = 3000}},
              .out_alpha_q = 1000, .out_beta_q = 4000, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 20, .noise_bits = 4, .seed = 7};
    qnet_alloc(&d, NULL);
    for (size_t i = 0; i < qnet_weight_count(&d); i++)
        d.ff[0][i] = (uint16_t)(37 * i % 256);
    qnet_save(DIR "snnq/q4_3r_2_2.snnq", &d, NULL);
    qnet_free(&d);
}

/* One stored .npy of npz_write's archive, cut out of it (the first member's data). */
static void npy_from_archive(const char *archive, const char *out)
{
    uint8_t *d;
    size_t len;
    if (read_file(archive, &d, &len, NULL) != 0)
        exit(1);
    uint32_t n = d[18] | d[19] << 8 | (uint32_t)d[20] << 16 | (uint32_t)d[21] << 24;
    size_t body = 30 + (size_t)(d[26] | d[27] << 8) + (size_t)(d[28] | d[29] << 8);
    put(out, d + body, n);
    free(d);
}

/* The archive with its first member deflated, as np.savez_compressed writes. */
static void deflated_archive(const char *archive, const char *out)
{
    uint8_t *d;
    size_t len;
    if (read_file(archive, &d, &len, NULL) != 0)
        exit(1);
    uint32_t n = d[18] | d[19] << 8 | (uint32_t)d[20] << 16 | (uint32_t)d[21] << 24;
    size_t name_len = d[26] | d[27] << 8, body = 30 + name_len;
    size_t zn;
    uint8_t *z = deflate_bytes(d + body, n, -15, &zn);
    byte_writer w = {0};
    bw_bytes(&w, d, 8);
    bw_u16(&w, 8); /* method: deflate */
    bw_bytes(&w, d + 10, 8);
    bw_u32(&w, (uint32_t)zn);
    bw_bytes(&w, d + 22, body - 22);
    bw_bytes(&w, z, zn);
    size_t dir = w.len;
    bw_bytes(&w, "PK\1\2", 4);
    bw_u16(&w, 20), bw_u16(&w, 20), bw_u16(&w, 0), bw_u16(&w, 8);
    bw_bytes(&w, d + 10, 8);
    bw_u32(&w, (uint32_t)zn), bw_u32(&w, n);
    bw_u16(&w, (uint16_t)name_len), bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 0);
    bw_u32(&w, 0), bw_u32(&w, 0);
    bw_bytes(&w, d + 30, name_len);
    size_t dir_len = w.len - dir;
    bw_bytes(&w, "PK\5\6", 4);
    bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 1), bw_u16(&w, 1);
    bw_u32(&w, (uint32_t)dir_len), bw_u32(&w, (uint32_t)dir), bw_u16(&w, 0);
    put(out, w.p, w.len);
    bw_free(&w);
    free(z);
    free(d);
}

static void npz_corpus(const snn_model *m)
{
    const snn_config *c = &m->cfg;
    const snn_layer_config *h = &c->layer[0];
    double w1[12], w2[6], s[6] = {h->n_exc, c->steps, c->dale, h->alpha, h->beta, h->threshold};
    for (int i = 0; i < 12; i++)
        w1[i] = m->ff[0][i];
    for (int i = 0; i < 6; i++)
        w2[i] = m->ff[1][i];
    npz_entry e[] = {
        {"w1", 2, {4, 3}, 1, w1},      {"w2", 2, {3, 2}, 1, w2},      {"n_exc", 0, {0}, 0, &s[0]},
        {"steps", 0, {0}, 0, &s[1]},   {"dale", 0, {0}, 0, &s[2]},    {"alpha", 0, {0}, 1, &s[3]},
        {"beta", 0, {0}, 1, &s[4]},    {"threshold", 0, {0}, 1, &s[5]},
    };
    npz_write(DIR "npz/m432.npz", e, 8, NULL);
    npz_write(DIR "npz/w1.npz", e, 1, NULL);
    npz_write("/tmp/make_parsers_corpus.npz", &e[2], 1, NULL);
    npy_from_archive(DIR "npz/w1.npz", DIR "npz/w1.npy");
    npy_from_archive("/tmp/make_parsers_corpus.npz", DIR "npz/scalar.npy");
    remove("/tmp/make_parsers_corpus.npz");
    deflated_archive(DIR "npz/w1.npz", DIR "npz/w1_deflated.npz");
    uint8_t z64[42] = {'P', 'K', 6, 7}; /* zip64 locator pointing far past a 42-byte file */
    memset(z64 + 8, 0xff, 7);
    z64[16] = 1;
    memcpy(z64 + 20, "PK\5\6", 4);
    z64[28] = z64[30] = 1;
    memset(z64 + 36, 0xff, 4);
    put(DIR "npz/zip64_locator_42_bytes.npz", z64, sizeof z64);
}

int main(void)
{
    const char *dirs[] = {DIR "idx", DIR "snn", DIR "snnq", DIR "npz"};
    for (int i = 0; i < 4; i++)
        mkdir(dirs[i], 0755);
    snn_model m;
    idx_corpus();
    model_corpus(&m);
    qmodel_corpus();
    npz_corpus(&m);
    snn_model_free(&m);
    return 0;
}
