/* make_shd_corpus.c - writes the seed corpus of fuzz_shd.c: small SHD-layout
 * HDF5 files (float32 or float64 times, uint16 or uint8 units and labels, an
 * empty sample, edge values, labels of more than SHD's 20 classes) with libhdf5. Run once, commit the files:
 *   cc -std=c11 -I/usr/include/hdf5/serial tests/fuzz/corpus/make_shd_corpus.c \
 *      -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o /tmp/mk && /tmp/mk tests/fuzz/corpus/shd */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>


/* n samples; sample i has len[i] spikes from t[i], u[i]. */
static void write_shd(const char *dir, const char *name, int n, const int *len, hid_t t_file,
                      const double (*t)[4], const int (*u)[4], const int *labels)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hvl_t tr[4], ur[4];
    for (int i = 0; i < n; i++) {
        tr[i] = (hvl_t){(size_t)len[i], (void *)t[i]};
        ur[i] = (hvl_t){(size_t)len[i], (void *)u[i]};
    }
    /* Written from native doubles and ints, stored as the file types given. */
    hsize_t dim = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t ft = H5Tvlen_create(t_file), mt = H5Tvlen_create(H5T_NATIVE_DOUBLE);
    hid_t ds = H5Dcreate2(g, "times", ft, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tr);
    H5Dclose(ds);
    H5Tclose(ft);
    H5Tclose(mt);
    ft = H5Tvlen_create(H5T_STD_U16LE);
    mt = H5Tvlen_create(H5T_NATIVE_INT);
    ds = H5Dcreate2(g, "units", ft, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, ur);
    H5Dclose(ds);
    H5Tclose(ft);
    H5Tclose(mt);
    ds = H5Dcreate2(f, "labels", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels);
    H5Dclose(ds);
    H5Sclose(space);
    H5Gclose(g);
    H5Fclose(f);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    const int len[4] = {4, 0, 1, 2}, labels[4] = {19, 0, 7, 3};
    const double t[4][4] = {{0, 0.013, 0.71, 1.5}, {0}, {1.399}, {0.2, 0.1}};
    const int u[4][4] = {{5, 5, 699, 3}, {0}, {0}, {1, 2}};
    write_shd(dir, "good_f32.h5", 4, len, H5T_IEEE_F32LE, t, u, labels);
    write_shd(dir, "good_f64.h5", 3, len, H5T_IEEE_F64LE, t, u, labels);
    const double huge[4][4] = {{1e248, 0.5}, {-0.0}, {1.39999}, {0}};
    const int hl[4] = {2, 1, 1, 0};
    write_shd(dir, "huge_time.h5", 4, hl, H5T_IEEE_F64LE, huge, u, labels);
    const int one[1] = {1};
    write_shd(dir, "one.h5", 1, one, H5T_IEEE_F32LE, t + 2, u + 2, labels + 2);
    /* more classes than SHD's 20, as the Spiking Speech Commands' 35 */
    const int ssc_labels[4] = {34, 0, 7, 3};
    write_shd(dir, "classes35.h5", 4, len, H5T_IEEE_F32LE, t, u, ssc_labels);
    return 0;
}
