/* test_libfixmath.c - pins the behaviour of Debian's libfixmath (0~20220222) that
 * the project relies on, and documents the packaged version's known defects.
 *
 * What we rely on (sw/fixed/quantize.c, spec §8.3): fix16_one is 2^16 and
 * fix16_from_dbl rounds 65536 x half away from zero, exactly, on [0, 1].
 * The defects below are asserted AS DEFECTS: if a fixed libfixmath makes one
 * of these tests fail, update the pin. Our code avoids all of them: it calls
 * only fix16_from_dbl, on values in [0, 1), which `make test` also checks by
 * grepping sw/ for the defective functions (sw/fixed/fixed.mk).
 * Arguments go through volatile variables: the header declares the functions
 * __attribute__((const)), so the compiler may otherwise merge repeated calls
 * and hide the cache defect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include <cmocka.h>
#include <libfixmath/fix16.h>

static void test_from_dbl_rounding(void **unused)
{
    (void)unused;
    assert_int_equal(fix16_one, 65536);
    assert_int_equal(fix16_from_dbl(0.0), 0);
    assert_int_equal(fix16_from_dbl(1.0), 65536);
    assert_int_equal(fix16_from_dbl(0.5 / 65536), 1);   /* half away from zero */
    assert_int_equal(fix16_from_dbl(1.5 / 65536), 2);
    assert_int_equal(fix16_from_dbl(2.5 / 65536), 3);   /* not to even */
    assert_int_equal(fix16_from_dbl(0.49 / 65536), 0);
    assert_int_equal(fix16_from_dbl(-0.5 / 65536), -1);
    /* The paper's decays, as the float model stores them. */
    assert_int_equal(fix16_from_dbl((double)(float)exp(-1.0 / 5)), 53656); /* 53656.39 */
    assert_int_equal(fix16_from_dbl((double)(float)exp(-1.0 / 10)), 59299); /* 59299.30 */
}

/* Exact on the whole Q16.16 grid of [0, 1) and at every midpoint. */
static void test_from_dbl_exhaustive_unit_interval(void **unused)
{
    (void)unused;
    for (int d = 0; d < 65536; d++) {
        if (fix16_from_dbl(d / 65536.0) != d)
            fail_msg("fix16_from_dbl(%d/65536) = %d", d, fix16_from_dbl(d / 65536.0));
        if (fix16_from_dbl((d + 0.5) / 65536.0) != d + 1)
            fail_msg("fix16_from_dbl((%d+0.5)/65536) = %d, expected %d", d,
                     fix16_from_dbl((d + 0.5) / 65536.0), d + 1);
    }
}

/* Defect: the exp cache is indexed by the argument but stores the NEGATED
 * argument as its key for negative inputs, so exp(x) after exp(-x) returns
 * exp(-x) whenever x and -x share a cache slot (e.g. x = 0.5). */
static void test_defect_exp_cache_collision(void **unused)
{
    (void)unused;
    volatile fix16_t half = 32768, minus_half = -32768;
    fix16_t fresh = fix16_exp(half);
    assert_in_range(fresh, 108040, 108060);        /* e^0.5 = 1.6487 -> 108051 */
    assert_int_equal(fix16_exp(minus_half), 39750); /* e^-0.5 = 0.6065 -> 39750 */
    fix16_t after = fix16_exp(half);
    assert_int_equal(after, 39750); /* the defect: e^-0.5 for e^0.5 */
}

/* Defect: exp of large negative arguments comes out negative. */
static void test_defect_exp_negative_result(void **unused)
{
    (void)unused;
    volatile fix16_t x = -772242;
    assert_true(fix16_exp(x) < 0);
}

/* Defect: saturating add of 0 and the minimum returns the maximum. */
static void test_defect_sadd_minimum(void **unused)
{
    (void)unused;
    volatile fix16_t zero = 0, minimum = fix16_minimum;
    assert_int_equal(fix16_sadd(zero, minimum), fix16_maximum);
    volatile fix16_t minus_one = -1;
    assert_int_equal(fix16_sadd(minus_one, minimum), fix16_minimum); /* correct elsewhere */
}

/* Defect: fix16_to_int of the minimum (-32768.0) is +32767 (overflow in its rounding). */
static void test_defect_to_int_minimum(void **unused)
{
    (void)unused;
    volatile fix16_t minimum = fix16_minimum;
    assert_int_equal(fix16_to_int(minimum), 32767);
    assert_int_equal(fix16_to_int(fix16_from_int(-5)), -5); /* correct elsewhere */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_dbl_rounding),
        cmocka_unit_test(test_from_dbl_exhaustive_unit_interval),
        cmocka_unit_test(test_defect_exp_cache_collision),
        cmocka_unit_test(test_defect_exp_negative_result),
        cmocka_unit_test(test_defect_sadd_minimum),
        cmocka_unit_test(test_defect_to_int_minimum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
