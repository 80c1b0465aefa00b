/* test_exp_stats.c - statistics against values worked out by hand: closed
 * forms of the special functions, small t-tests and Kruskal-Wallis tests
 * computed on paper, and a Student-t tail integrated numerically here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../sw/exp/stats.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol) || (print_message("%s = %.15g, want %.15g\n", #a, (double)(a), (double)(b)), 0))

static void test_descriptive(void **state)
{
    (void)state;
    double x[] = {4, 1, 3, 2, 100};
    CLOSE(stats_mean(x, 5), 22, 1e-12);
    double y[] = {2, 4, 4, 4, 5, 5, 7, 9}; /* sum of squares about 5 is 32 */
    CLOSE(stats_sd(y, 8), sqrt(32.0 / 7), 1e-12);
    stats_box b = stats_boxplot(x, 5); /* sorted: 1 2 3 4 100 */
    CLOSE(b.median, 3, 0);
    CLOSE(b.q1, 2, 0);
    CLOSE(b.q3, 4, 0);
    CLOSE(b.lo, 1, 0);
    CLOSE(b.hi, 4, 0); /* 100 is beyond 4 + 1.5 * 2 */
    double e[] = {5, 1, 3, 2};
    CLOSE(stats_median(e, 4), 2.5, 0);
    CLOSE(stats_quantile_sorted(e, 4, 0.25), 1.75, 1e-15);
    assert_true(isnan(stats_median(e, 0)));
}

static void test_special_functions(void **state)
{
    (void)state;
    for (double x = 0.05; x < 1; x += 0.1) {
        CLOSE(stats_betai(1, 1, x), x, 1e-13);
        CLOSE(stats_betai(2, 1, x), x * x, 1e-13);
        CLOSE(stats_betai(1, 2, x), 1 - (1 - x) * (1 - x), 1e-13);
        CLOSE(stats_betai(0.5, 0.5, x), 2 / M_PI * asin(sqrt(x)), 1e-12);
    }
    /* chi-square: k=1 erfc(sqrt(x/2)); k=2 exp(-x/2); k=3 erfc + sqrt(2x/pi) e^{-x/2};
     * k=4 e^{-x/2}(1 + x/2). */
    for (double x = 0.01; x < 60; x *= 1.7) {
        CLOSE(stats_chi2_sf(x, 1), erfc(sqrt(x / 2)), 1e-12 * (1 + erfc(sqrt(x / 2))) + 1e-300);
        CLOSE(stats_chi2_sf(x, 2), exp(-x / 2), 1e-12 * exp(-x / 2) + 1e-300);
        double k3 = erfc(sqrt(x / 2)) + sqrt(2 * x / M_PI) * exp(-x / 2);
        CLOSE(stats_chi2_sf(x, 3), k3, 1e-11 * k3);
        double k4 = exp(-x / 2) * (1 + x / 2);
        CLOSE(stats_chi2_sf(x, 4), k4, 1e-11 * k4);
    }
    CLOSE(stats_chi2_sf(3.841458820694124, 1), 0.05, 1e-12);
    CLOSE(stats_chi2_sf(5.991464547107979, 2), 0.05, 1e-12);
    /* Student t: df=1 (Cauchy) p = 1 - 2 atan|t| / pi; df=2 p = 1 - |t|/sqrt(t^2 + 2). */
    for (double t = 0.1; t < 200; t *= 1.9) {
        CLOSE(stats_t_sf2(t, 1), 1 - 2 * atan(t) / M_PI, 1e-12);
        CLOSE(stats_t_sf2(-t, 2), 1 - t / sqrt(t * t + 2), 1e-12);
    }
    CLOSE(stats_t_sf2(2.228138851986274, 10), 0.05, 1e-12);
    CLOSE(stats_t_sf2(0, 7), 1, 1e-15);
}

/* P(|T| > t) by Simpson's rule on the t density: an independent route. */
static double t_sf2_numeric(double t, double df)
{
    double c = exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / sqrt(df * M_PI);
    int n = 20000;
    double h = fabs(t) / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double x = i * h, w = i == 0 || i == n ? 1 : i % 2 ? 4 : 2;
        s += w * c * pow(1 + x * x / df, -(df + 1) / 2);
    }
    return 1 - 2 * s * h / 3;
}

static void test_ttests(void **state)
{
    (void)state;
    /* Student by hand: means 1 and 4, variances 2 and 2, pooled 2, se sqrt(2), df 2. */
    double a[] = {0, 2}, b[] = {3, 5};
    stats_ttest s = stats_student(a, 2, b, 2);
    CLOSE(s.t, -3 / sqrt(2.0), 1e-12);
    CLOSE(s.df, 2, 0);
    CLOSE(s.p, 1 - (3 / sqrt(2.0)) / sqrt(4.5 + 2), 1e-12);
    stats_ttest w = stats_welch(a, 2, b, 2); /* equal n and variances: same as Student */
    CLOSE(w.t, s.t, 1e-12);
    CLOSE(w.df, 2, 1e-12);
    CLOSE(w.p, s.p, 1e-12);
    /* Welch by hand: variances 2.5 and 10, se^2 = 0.5 + 2, t = -3/sqrt(2.5),
     * df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625. */
    double c[] = {1, 2, 3, 4, 5}, d[] = {2, 4, 6, 8, 10};
    w = stats_welch(c, 5, d, 5);
    CLOSE(w.mean_a, 3, 1e-15);
    CLOSE(w.mean_b, 6, 1e-15);
    CLOSE(w.t, -3 / sqrt(2.5), 1e-12);
    CLOSE(w.df, 6.25 / 1.0625, 1e-12);
    CLOSE(w.p, t_sf2_numeric(w.t, w.df), 1e-9);
    /* Student on the same: pooled variance 6.25, se sqrt(2.5): same t, df 8. */
    s = stats_student(c, 5, d, 5);
    CLOSE(s.t, -3 / sqrt(2.5), 1e-12);
    CLOSE(s.p, t_sf2_numeric(s.t, 8), 1e-9);
    /* Undefined cases give NaN, not a number that looks like a result. */
    double z[] = {1, 1, 1};
    assert_true(isnan(stats_welch(z, 3, z, 3).p));
    assert_true(isnan(stats_welch(c, 1, d, 5).p));
}

static void test_kruskal(void **state)
{
    (void)state;
    /* No ties: ranks 1..6, R = 6 and 15, H = 12/42 (36/3 + 225/3) - 21 = 27/7. */
    double g1[] = {1, 2, 3}, g2[] = {4, 5, 6};
    const double *groups[] = {g1, g2};
    int n[] = {3, 3};
    stats_kw k = stats_kruskal(groups, n, 2);
    CLOSE(k.h, 27.0 / 7, 1e-12);
    CLOSE(k.df, 1, 0);
    CLOSE(k.p, erfc(sqrt(27.0 / 7 / 2)), 1e-12);
    /* Ties: ranks 1.5 1.5 3.5 | 3.5 5.5 5.5, R = 6.5, 14.5, H0 = 64/21,
     * C = 1 - 18/210, H = 10/3. */
    double t1[] = {1, 1, 2}, t2[] = {2, 3, 3};
    const double *tied[] = {t2, t1};
    k = stats_kruskal(tied, n, 2);
    CLOSE(k.h, 10.0 / 3, 1e-12);
    /* Three groups, one value each: H = 12/12 (1+4+9) - 12 = 2, df 2, p = e^{-1}. */
    double u1[] = {10}, u2[] = {20}, u3[] = {30};
    const double *three[] = {u3, u1, u2};
    int n1[] = {1, 1, 1};
    k = stats_kruskal(three, n1, 3);
    CLOSE(k.h, 2, 1e-12);
    CLOSE(k.p, exp(-1.0), 1e-12);
    /* Degenerate: one non-empty group, or everything tied. */
    int n0[] = {3, 0};
    assert_true(isnan(stats_kruskal(groups, n0, 2).p));
    double s1[] = {7, 7}, s2[] = {7, 7};
    const double *same[] = {s1, s2};
    int n2[] = {2, 2};
    assert_true(isnan(stats_kruskal(same, n2, 2).p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptive),
        cmocka_unit_test(test_special_functions),
        cmocka_unit_test(test_ttests),
        cmocka_unit_test(test_kruskal),
    };
    return cmocka_run_group_tests_name("exp_stats", tests, NULL, NULL);
}
