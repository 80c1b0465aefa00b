/* plot.h - figures through gnuplot, as PNG and SVG.
 *
 * The caller writes its data files and a gnuplot script body (everything
 * after `set terminal`/`set output`) into a directory; plot_render wraps the
 * body into <name>.gp, once for pngcairo and once for svg, and runs gnuplot
 * in that directory, so scripts use plain relative file names. The scripts
 * stay beside the pictures: a reader can edit and rerun them. Every body
 * runs after a house style: series drawn with `lt 1`..`lt 8` differ in
 * colour, dash type and marker (open markers: points on top of each other
 * stay visible), and the key sits below the plot, off the data.
 * Not here: what is plotted (report.c).
 */
#ifndef SNN_PLOT_H
#define SNN_PLOT_H

#include "../util/error.h"

/* Writes dir/<name>.gp and runs gnuplot on it, producing dir/<name>.png and
 * dir/<name>.svg (width x height pixels). Fails with gnuplot's first error
 * line, or if gnuplot is not installed (Debian: gnuplot-nox). */
int plot_render(const char *dir, const char *name, const char *body, int width, int height,
                snn_error *err);

/* 1 if a gnuplot executable is on PATH. */
int plot_available(void);

#endif
