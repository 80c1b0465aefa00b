/* stats.h - the statistics the paper's figures need, with exact p-values.
 *
 * Descriptive summaries (mean, sd, quantiles, box-plot five numbers), the
 * Kruskal-Wallis H test (ties corrected, p from the chi-square survival
 * function) and Student's and Welch's two-sample t-tests (two-sided p from
 * the regularised incomplete beta function). Special functions are written
 * here (continued fractions / series, relative accuracy ~1e-12) so that the
 * project needs no numerical library.
 * Not here: which runs are compared (report.c).
 */
#ifndef SNN_STATS_H
#define SNN_STATS_H

double stats_mean(const double *x, int n);
/* Sample standard deviation (n - 1); 0 for n < 2. */
double stats_sd(const double *x, int n);
/* Sorts x (n values, in place) ascending. */
void stats_sort(double *x, int n);
/* Quantile p in [0, 1] of sorted x by linear interpolation between order
 * statistics (R's type 7, numpy's default); NaN for n = 0. */
double stats_quantile_sorted(const double *x, int n, double p);
/* Median of x; sorts x in place. NaN for n = 0. */
double stats_median(double *x, int n);

/* Box-plot numbers of x (sorted in place): quartiles and Tukey whiskers
 * (the most extreme data within 1.5 IQR of the box). */
typedef struct {
    int n;
    double lo, q1, median, q3, hi, mean;
} stats_box;
stats_box stats_boxplot(double *x, int n);

/* Regularised incomplete beta I_x(a, b), a, b > 0, x in [0, 1]. */
double stats_betai(double a, double b, double x);
/* Regularised upper incomplete gamma Q(a, x), a > 0, x >= 0. */
double stats_gammaq(double a, double x);
/* P(X > x) for X ~ chi-square with k degrees of freedom. */
double stats_chi2_sf(double x, double k);
/* P(|T| > |t|) for T ~ Student t with df degrees of freedom (df > 0, real). */
double stats_t_sf2(double t, double df);

typedef struct {
    double t, df, p;          /* p two-sided; NaN when undefined (n < 2 or zero variance) */
    double mean_a, mean_b;
} stats_ttest;
/* Welch's unequal-variance t-test of mean(a) - mean(b). */
stats_ttest stats_welch(const double *a, int na, const double *b, int nb);
/* Student's pooled-variance t-test. */
stats_ttest stats_student(const double *a, int na, const double *b, int nb);

typedef struct {
    double h, df, p; /* p NaN when fewer than 2 non-empty groups or all values tied */
    int n;           /* values in all */
} stats_kw;
/* Kruskal-Wallis test across k groups (group g has n[g] values). */
stats_kw stats_kruskal(const double *const *groups, const int *n, int k);

#endif
