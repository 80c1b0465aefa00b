/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

double stats_mean(const double *x, int n)
{
    if (n <= 0)
        return NAN;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s / n;
}

double stats_sd(const double *x, int n)
{
    if (n < 2)
        return 0;
    double m = stats_mean(x, n), s = 0;
    for (int i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (n - 1));
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

void stats_sort(double *x, int n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

double stats_quantile_sorted(const double *x, int n, double p)
{
    if (n <= 0)
        return NAN;
    double h = (n - 1) * p;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return x[n - 1];
    return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}

double stats_median(double *x, int n)
{
    stats_sort(x, n);
    return stats_quantile_sorted(x, n, 0.5);
}

stats_box stats_boxplot(double *x, int n)
{
    stats_box b = {n, NAN, NAN, NAN, NAN, NAN, NAN};
    if (n <= 0)
        return b;
    stats_sort(x, n);
    b.q1 = stats_quantile_sorted(x, n, 0.25);
    b.median = stats_quantile_sorted(x, n, 0.5);
    b.q3 = stats_quantile_sorted(x, n, 0.75);
    b.mean = stats_mean(x, n);
    double reach = 1.5 * (b.q3 - b.q1);
    int lo = 0, hi = n - 1;
    while (x[lo] < b.q1 - reach)
        lo++;
    while (x[hi] > b.q3 + reach)
        hi--;
    b.lo = x[lo];
    b.hi = x[hi];
    return b;
}

/* Continued fraction of I_x(a, b) (modified Lentz), converging for x < (a+1)/(a+b+2). */
static double betai_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double f = d;
    for (int m = 1; m < 10000; m++) {
        /* Even step d_{2m}, then odd step d_{2m+1}. */
        double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
        for (int half = 0; half < 2; half++) {
            d = 1 + num * d;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (half == 1 && fabs(delta - 1) < 1e-15)
                return f;
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
        }
    }
    return f;
}

double stats_betai(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * betai_cf(a, b, x) / a;
    return 1 - front * betai_cf(b, a, 1 - x) / b; /* symmetry I_x(a,b) = 1 - I_{1-x}(b,a) */
}

double stats_gammaq(double a, double x)
{
    if (x <= 0)
        return 1;
    double front = exp(-x + a * log(x) - lgamma(a));
    if (x < a + 1) { /* series for P(a, x), then Q = 1 - P */
        double term = 1 / a, sum = term;
        for (int n = 1; n < 10000 && fabs(term) > fabs(sum) * 1e-16; n++) {
            term *= x / (a + n);
            sum += term;
        }
        return 1 - front * sum;
    }
    /* Continued fraction for Q(a, x) (modified Lentz). */
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, f = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        d = 1 / (fabs(d) < tiny ? tiny : d);
        c = b + an / c;
        c = fabs(c) < tiny ? tiny : c;
        double delta = c * d;
        f *= delta;
        if (fabs(delta - 1) < 1e-15)
            break;
    }
    return front * f;
}

double stats_chi2_sf(double x, double k)
{
    return stats_gammaq(k / 2, x / 2);
}

double stats_t_sf2(double t, double df)
{
    if (!isfinite(t))
        return isnan(t) ? NAN : 0;
    return stats_betai(df / 2, 0.5, df / (df + t * t));
}

static double variance(const double *x, int n)
{
    double sd = stats_sd(x, n);
    return sd * sd;
}

stats_ttest stats_welch(const double *a, int na, const double *b, int nb)
{
    stats_ttest r = {NAN, NAN, NAN, stats_mean(a, na), stats_mean(b, nb)};
    if (na < 2 || nb < 2)
        return r;
    double va = variance(a, na) / na, vb = variance(b, nb) / nb;
    if (va + vb <= 0)
        return r;
    r.t = (r.mean_a - r.mean_b) / sqrt(va + vb);
    r.df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
    r.p = stats_t_sf2(r.t, r.df);
    return r;
}

stats_ttest stats_student(const double *a, int na, const double *b, int nb)
{
    stats_ttest r = {NAN, NAN, NAN, stats_mean(a, na), stats_mean(b, nb)};
    if (na < 2 || nb < 2)
        return r;
    r.df = na + nb - 2;
    double pooled = ((na - 1) * variance(a, na) + (nb - 1) * variance(b, nb)) / r.df;
    if (pooled <= 0) {
        r.df = NAN;
        return r;
    }
    r.t = (r.mean_a - r.mean_b) / sqrt(pooled * (1.0 / na + 1.0 / nb));
    r.p = stats_t_sf2(r.t, r.df);
    return r;
}

typedef struct {
    double v;
    int group;
} tagged;

static int cmp_tagged(const void *pa, const void *pb)
{
    return cmp_double(&((const tagged *)pa)->v, &((const tagged *)pb)->v);
}

stats_kw stats_kruskal(const double *const *groups, const int *n, int k)
{
    stats_kw r = {NAN, NAN, NAN, 0};
    int nonempty = 0;
    for (int g = 0; g < k; g++) {
        r.n += n[g];
        nonempty += n[g] > 0;
    }
    double *rank_sum = k > 0 ? calloc((size_t)k, sizeof *rank_sum) : NULL;
    tagged *all = malloc(sizeof *all * (r.n ? r.n : 1));
    if (nonempty < 2 || !all || !rank_sum) {
        free(all);
        free(rank_sum);
        return r;
    }
    for (int g = 0, m = 0; g < k; g++)
        for (int i = 0; i < n[g]; i++)
            all[m++] = (tagged){groups[g][i], g};
    qsort(all, r.n, sizeof *all, cmp_tagged);
    /* Tied values share the mean of their ranks; ties shrink the variance by
     * C = 1 - sum(t^3 - t) / (N^3 - N). */
    double ties = 0, N = r.n;
    for (int i = 0; i < r.n;) {
        int j = i;
        while (j < r.n && all[j].v == all[i].v)
            j++;
        double mean_rank = (i + 1 + j) / 2.0, t = j - i;
        ties += t * t * t - t;
        for (int m = i; m < j; m++)
            rank_sum[all[m].group] += mean_rank;
        i = j;
    }
    double s = 0;
    for (int g = 0; g < k; g++)
        if (n[g] > 0)
            s += rank_sum[g] * rank_sum[g] / n[g];
    double c = 1 - ties / (N * N * N - N);
    free(all);
    free(rank_sum);
    if (c <= 0)
        return r;
    r.h = (12 / (N * (N + 1)) * s - 3 * (N + 1)) / c;
    r.df = nonempty - 1;
    r.p = stats_chi2_sf(r.h, r.df);
    return r;
}
