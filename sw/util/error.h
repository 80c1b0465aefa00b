/* error.h - errors as values.
 *
 * Library functions never print or exit: they return -1 and describe the
 * failure in an snn_error that the caller owns. Only main() prints and exits.
 */
#ifndef SNN_ERROR_H
#define SNN_ERROR_H

typedef struct {
    char msg[512];
} snn_error;

/* Formats the message into err (if non-NULL) and returns -1, so that
 * `return snn_fail(err, ...)` reads as one statement. */
int snn_fail(snn_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
